// Builds the dashboard ahead of time (no dev server at run time): one bundled, minified
// main.js plus index.html and styles.css in dist/apps/dashboard, which the gateway serves.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'apps/dashboard/src');
const out = join(root, 'dist/apps/dashboard');

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(source, 'main.ts')],
  outfile: join(out, 'main.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css']) copyFileSync(join(source, file), join(out, file));
