import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './processes';

const root = join(__dirname, '../../..');

/**
 * A PostgreSQL server of the test's own (tools/postgres/embedded.mjs on a free port, data in
 * .data/), for tests that stop and restart the database without disturbing the other suites.
 * `stop` is PostgreSQL's fast shutdown: open transactions are rolled back, clients cut off.
 */
export async function startPrivatePostgres(): Promise<{
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}> {
  const port = await freePort();
  const parent = join(root, '.data');
  mkdirSync(parent, { recursive: true });
  const dir = join(parent, `postgres-private-${randomBytes(4).toString('hex')}`);
  let server: ChildProcess | undefined;
  const output: string[] = [];

  const start = async () => {
    const child = spawn(process.execPath, [join(root, 'tools/postgres/embedded.mjs'), dir, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    server = child;
    for (const until = Date.now() + 120_000; Date.now() < until;) {
      if (child.exitCode !== null) break;
      // embedded.mjs prints this once PostgreSQL accepts connections.
      if (output.join('').includes(`ready on 127.0.0.1:${port}`)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`private PostgreSQL did not start:\n${output.join('')}`);
  };
  const stop = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/provisioning`,
    start,
    stop,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
