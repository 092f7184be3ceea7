import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestRun } from './global-setup';

const root = join(__dirname, '../../..');

/** Drops the run's database and topics, and stops only what the setup started. */
export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as { __TEST_RUN__?: TestRun }).__TEST_RUN__;
  if (!run) return;
  if (process.env.KEEP_TEST_DATA !== '1') {
    execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'cleanup-run.ts')], {
      cwd: root,
      env: { ...process.env, RUN_DATABASE_URL: run.databaseUrl, RUN_TOPIC_PREFIX: run.topicPrefix },
      stdio: 'inherit',
    });
  }
  await Promise.all(run.containers.map((c) => c.stop()));
  if (run.stopInfra.length) {
    execFileSync(process.execPath, [join(root, 'tools/infra.mjs'), 'down', ...run.stopInfra], { stdio: 'inherit' });
  }
}
