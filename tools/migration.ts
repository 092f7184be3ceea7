// npm run migration:create -- <service> [name]   a migration for what the service's entities changed
// npm run migration:check                        fails when any service's entities differ from its migrations
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import services from './services.json';

const root = join(__dirname, '..');
const run = (service: string, args: string[]) =>
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, `apps/${service}/src/migrate.ts`), ...args], {
    cwd: root,
    stdio: 'inherit',
  });

const [command, service, name] = process.argv.slice(2);
try {
  if (command === 'create' && services.some((s) => s.name === service))
    run(service, ['create', ...(name ? [name] : [])]);
  else if (command === 'check') for (const s of services) run(s.name, ['check']);
  else throw new Error(`usage: migration.ts create <${services.map((s) => s.name).join('|')}> [name] | check`);
} catch (error) {
  if (!(error as { status?: number }).status) console.error((error as Error).message);
  process.exit(1);
}
