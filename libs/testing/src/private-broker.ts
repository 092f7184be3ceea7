import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

const root = join(__dirname, '../../..');
const script = join(root, 'tools/kafka/kafka.sh');

/**
 * A Kafka broker of the test's own (tools/kafka on free ports, data in a temp folder), for
 * tests that stop and restart the broker without disturbing the other suites.
 */
export async function startPrivateBroker(): Promise<{ brokers: string; stop(): void; start(): void; remove(): void }> {
  const port = await freePort();
  const env = {
    ...process.env,
    KAFKA_DIR: mkdtempSync(join(tmpdir(), 'kafka-private-')),
    KAFKA_LIBS: join(root, '.data/kafka/libs'),
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  execFileSync('bash', [script, 'install'], {
    env: { ...env, KAFKA_DIR: join(root, '.data/kafka') },
    stdio: 'inherit',
  });
  const run = (command: string) => execFileSync('bash', [script, command], { env, stdio: 'inherit' });
  run('start');
  return {
    brokers: `127.0.0.1:${port}`,
    stop: () => run('stop'),
    start: () => run('start'),
    remove: () => {
      run('stop');
      rmSync(env.KAFKA_DIR, { recursive: true, force: true });
    },
  };
}
