// Before the services start: the database (created when missing), every service's
// migrations, and every topic of the contract (KAFKA_TOPIC_PREFIX applies).
import { ensureDatabase, migrateUp } from '@org/database';
import { createKafka, ensureTopics } from '@org/kafka';
import { SERVICES } from './services';

export async function prepare(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/provisioning';
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const topicPrefix = env.KAFKA_TOPIC_PREFIX ?? '';
  await ensureDatabase(databaseUrl);
  for (const s of SERVICES) {
    const applied = await migrateUp(s.database, databaseUrl);
    if (applied.length) console.log(`[prepare] ${s.name}: applied ${applied.join(', ')}`);
  }
  const created = await ensureTopics(createKafka({ brokers, clientId: 'prepare', topicPrefix }), topicPrefix);
  if (created.length) console.log(`[prepare] created ${created.length} topics`);
}

if (require.main === module) {
  prepare().catch((error) => {
    console.error('[prepare] failed:', error);
    process.exit(1);
  });
}
