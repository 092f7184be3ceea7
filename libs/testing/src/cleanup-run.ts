// Run by the global teardown in its own process (global hooks get no path aliases):
// drops a test run's databases (its template and every scope's copy) and its topics and consumer groups.
import { databaseNameOf, dropDatabase, withAdminClient } from '@org/database';
import { createKafka, deleteTopics } from '@org/kafka';

async function cleanup() {
  const { RUN_DATABASE_URL, RUN_TOPIC_PREFIX, KAFKA_BROKERS } = process.env;
  for (const url of [RUN_DATABASE_URL!, ...(await scopeDatabasesOf(RUN_DATABASE_URL!))]) {
    await dropDatabase(url).catch((e) => console.warn(`could not drop the test database: ${e.message}`));
  }
  const kafka = createKafka({ brokers: KAFKA_BROKERS!.split(','), clientId: 'test-cleanup', topicPrefix: '' });
  await deleteTopics(kafka, RUN_TOPIC_PREFIX!).catch((e) =>
    console.warn(`could not delete the test topics: ${e.message}`),
  );
}

/** The databases of the run's scopes (`<run database>_<hash>_<name>`, see test-scope.ts). */
async function scopeDatabasesOf(runUrl: string): Promise<string[]> {
  const { rows } = await withAdminClient(runUrl, (client) =>
    client.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1)`, [
      `${databaseNameOf(runUrl)}_`,
    ]),
  );
  return rows.map((r) => {
    const u = new URL(runUrl);
    u.pathname = `/${r.datname}`;
    return u.toString();
  });
}

void cleanup();
