// Run by the global teardown in its own process (global hooks get no path aliases):
// drops a test run's database and its topics and consumer groups.
import { dropDatabase } from '@org/database';
import { createKafka, deleteTopics } from '@org/kafka';

async function cleanup() {
  const { RUN_DATABASE_URL, RUN_TOPIC_PREFIX, KAFKA_BROKERS } = process.env;
  await dropDatabase(RUN_DATABASE_URL!).catch((e) => console.warn(`could not drop the test database: ${e.message}`));
  const kafka = createKafka({ brokers: KAFKA_BROKERS!.split(','), clientId: 'test-cleanup', topicPrefix: '' });
  await deleteTopics(kafka, RUN_TOPIC_PREFIX!).catch((e) =>
    console.warn(`could not delete the test topics: ${e.message}`),
  );
}

void cleanup();
