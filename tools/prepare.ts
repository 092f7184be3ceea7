// Before the services start: the database (created when missing), each service's
// migrations (its own deploy step, apps/<service>/src/migrate.ts), and every topic of the
// contract under KAFKA_TOPIC_PREFIX. `--database-only`: no topics (the test run's template
// database, whose suites each create their own topics).
import { saslFromEnv } from '@org/config';
import { createKafka, ensureTopics } from '@org/kafka';
import { ensureDatabase } from '@org/database';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import services from './services.json';

const root = join(__dirname, '..');

async function prepare(env: NodeJS.ProcessEnv = process.env, withTopics = true): Promise<void> {
  await ensureDatabase(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/provisioning');
  const migrations = services.map(async (s) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', join(root, `apps/${s.name}/src/migrate.ts`), 'up'],
      { cwd: root, env },
    );
    process.stdout.write(stdout);
  });
  if (!withTopics) return void (await Promise.all(migrations));
  const topicPrefix = env.KAFKA_TOPIC_PREFIX ?? '';
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = createKafka({ brokers, clientId: 'prepare', topicPrefix, sasl: saslFromEnv(env) });
  const topics = ensureTopics(kafka, topicPrefix).then((created) => {
    if (created.length) console.log(`[prepare] created ${created.length} topics`);
  });
  await Promise.all([...migrations, topics]);
}

prepare(process.env, !process.argv.includes('--database-only')).catch((error) => {
  console.error('[prepare] failed:', error.stderr ?? error);
  process.exit(1);
});
