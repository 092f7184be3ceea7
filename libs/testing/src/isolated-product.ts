import { privateDatabase } from './private-database';
import { type Product, startProduct } from './processes';
import { suiteTopics } from './kafka';

export interface IsolatedProduct extends Product {
  name: string;
  /** Its topics: `<run prefix><name>.<contract topic>`. */
  prefix: string;
  brokers: string;
  /** Its database (every service's schema). */
  databaseUrl: string;
}

/**
 * The whole product on topics and a database no other suite touches — for suites that produce
 * so much the run's topics would slow the others, whose counts must be exact, or whose services
 * must not publish another suite's outbox. On the run's Kafka and PostgreSQL unless `where`
 * names others (a private broker or server, for suites that stop them); `where.env` adds to the
 * backends' environment.
 */
export async function startIsolatedProduct(
  name: string,
  where: { brokers?: string; runDatabaseUrl?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<IsolatedProduct> {
  const brokers = where.brokers ?? process.env.KAFKA_BROKERS!;
  const prefix = await suiteTopics(name, brokers);
  // One database, every service's schema migrated into it.
  const [databaseUrl] = ['gateway', 'sso-ingest', 'connector-registry', 'provisioning-resolver'].map((service) =>
    privateDatabase(service, name.replace(/\W/g, '_'), where.runDatabaseUrl),
  );
  const env = { KAFKA_TOPIC_PREFIX: prefix, KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl };
  return { ...(await startProduct({ ...where.env, ...env }, env)), name, prefix, brokers, databaseUrl };
}
