// How integration suites stay apart (README, "Tests"): every test file gets topics and a
// database of its own before its first test (suite-setup.ts), so no suite can read another's
// events or rows. A file that runs several products side by side whose counts must not mix
// (the chaos cases) asks for one scope per product with `newScope`; nothing else does.
import type { KafkaSasl } from '@org/config';
import { databaseNameOf, withAdminClient } from '@org/database';
import { createKafka, ensureTopics } from '@org/kafka';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '../../..');

/** Where a scope's services find their topics and tables. */
export interface TestScope {
  name: string;
  /** `<run prefix><file>.` (and `<name>.` after it for a scope inside a file): topics and consumer groups. */
  topicPrefix: string;
  databaseUrl: string;
  brokers: string;
  /** On a secured cluster (tools/kafka/cluster.ts): its admin, for the test's own clients, and each service's password. */
  secured?: SecuredKafka;
}

export interface SecuredKafka {
  admin: KafkaSasl;
  /** Each principal of libs/contracts' KAFKA_PRINCIPALS: its password. */
  principals: Record<string, string>;
}

type Where = { brokers?: string; postgresUrl?: string; secured?: SecuredKafka };

/** What the global setup leaves to the workers: the run's migrated template database and its topic prefix. */
function run(): { databaseUrl: string; topicPrefix: string; brokers: string } {
  const { TEST_RUN_DATABASE_URL, TEST_RUN_TOPIC_PREFIX, KAFKA_BROKERS } = process.env;
  if (!TEST_RUN_DATABASE_URL || TEST_RUN_TOPIC_PREFIX === undefined || !KAFKA_BROKERS)
    throw new Error('no test run: integration suites run through jest.int.config.js (npm run test:int)');
  return { databaseUrl: TEST_RUN_DATABASE_URL, topicPrefix: TEST_RUN_TOPIC_PREFIX, brokers: KAFKA_BROKERS };
}

/**
 * A scope's names, under the current one (the file's, once the setup ran): its topic prefix,
 * and a database named after the run's (dropped with it by the teardown), a hash of the whole
 * prefix (PostgreSQL cuts names at 63 bytes) and a readable tail. `where` puts it on a broker or
 * a PostgreSQL server of the test's own. Nothing exists before `createScope`.
 */
export function scopeOf(name: string, where: Where = {}): TestScope {
  const { databaseUrl: template, topicPrefix: runPrefix, brokers } = run();
  const slug = name
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  const topicPrefix = `${process.env.KAFKA_TOPIC_PREFIX || runPrefix}${slug.replace(/_/g, '-')}.`;
  const hash = createHash('sha256').update(topicPrefix).digest('hex').slice(0, 8);
  const url = new URL(where.postgresUrl ?? template);
  url.pathname = `/${`${new URL(template).pathname.slice(1)}_${hash}_${slug}`.slice(0, 63)}`;
  return { name, topicPrefix, databaseUrl: url.toString(), brokers: where.brokers ?? brokers, secured: where.secured };
}

/**
 * Creates a scope's topics and its database: a copy of the run's migrated template
 * (milliseconds, where migrating each would take seconds), or, on a private server that has
 * no template, migrated.
 */
export async function createScope(scope: TestScope): Promise<TestScope> {
  const template = new URL(run().databaseUrl);
  const database = new URL(scope.databaseUrl);
  const kafka = scopeKafka(scope, 'test-scope');
  await Promise.all([
    ensureTopics(kafka, scope.topicPrefix),
    database.host === template.host ? copyDatabase(template, database.pathname.slice(1)) : migrate(scope.databaseUrl),
  ]);
  return scope;
}

/** A scope of its own for one product of a file that runs several (see the file's header). */
export function newScope(name: string, where: Where = {}): Promise<TestScope> {
  return createScope(scopeOf(name, where));
}

/** The scope this test file (and what it starts) runs in, from its environment. */
export function currentScope(): TestScope {
  const { KAFKA_TOPIC_PREFIX, DATABASE_URL, KAFKA_BROKERS } = process.env;
  return { name: 'file', topicPrefix: KAFKA_TOPIC_PREFIX!, databaseUrl: DATABASE_URL!, brokers: KAFKA_BROKERS! };
}

/** The environment that puts a service (or, without one, this test process) in a scope: on a secured cluster, as its own principal. */
export function scopeEnv(scope: TestScope, service?: string): NodeJS.ProcessEnv {
  const where = {
    KAFKA_TOPIC_PREFIX: scope.topicPrefix,
    DATABASE_URL: scope.databaseUrl,
    KAFKA_BROKERS: scope.brokers,
  };
  if (!scope.secured) return where;
  const { admin, principals } = scope.secured;
  return {
    ...where,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_USERNAME: service ?? admin.username,
    KAFKA_PASSWORD: service ? principals[service] : admin.password,
  };
}

/** A client of the scope's brokers (topic names given whole), as the cluster's admin when it is secured. */
export function scopeKafka(scope: TestScope, clientId: string) {
  return createKafka({ brokers: scope.brokers.split(','), clientId, topicPrefix: '', sasl: scope.secured?.admin });
}

async function copyDatabase(templateUrl: URL, database: string): Promise<void> {
  const template = databaseNameOf(templateUrl);
  // Nobody connects to the template (every suite has its own copy), which CREATE DATABASE … TEMPLATE requires.
  await withAdminClient(templateUrl, (client) => client.query(`create database "${database}" template "${template}"`));
}

/** The deploy step `npm start` runs, database only (a private server has no template to copy). */
async function migrate(databaseUrl: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['-r', '@swc-node/register', join(root, 'tools/prepare.ts'), '--database-only'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );
}
