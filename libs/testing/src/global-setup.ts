// One global setup for every integration suite (jest.int.config.js). Kafka and PostgreSQL:
// KAFKA_BROKERS / DATABASE_URL when set; else Testcontainers when a Docker engine answers;
// else the project's own (tools/infra.mjs: tools/kafka and the local or embedded PostgreSQL).
// The run gets a topic prefix and a migrated database that no suite uses: it is the template
// every test file's own database is copied from (suite-setup.ts, test-scope.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

export interface TestRun {
  runId: string;
  databaseUrl: string;
  topicPrefix: string;
  stopInfra: string[];
  containers: Array<{ stop(): Promise<unknown> }>;
}

/**
 * Consumer sessions in tests: a SIGKILLed service's partitions move after 12 s instead of the
 * production 30 s (the kill cases wait that out once per kill).
 */
export const TEST_SESSION = { KAFKA_SESSION_TIMEOUT_MS: '12000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000' };

async function dockerAnswers(): Promise<boolean> {
  if (process.env.TESTCONTAINERS === '0') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false; // "Could not find a working container runtime strategy", in under a second
  }
}

export default async function globalSetup(): Promise<void> {
  const runId = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const run: TestRun = { runId, databaseUrl: '', topicPrefix: `${runId}.`, stopInfra: [], containers: [] };
  let brokers = process.env.KAFKA_BROKERS;
  let baseUrl = process.env.DATABASE_URL;

  if ((!brokers || !baseUrl) && (await dockerAnswers())) {
    if (!baseUrl) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const pg = await new PostgreSqlContainer('postgres:16-alpine').start();
      run.containers.push(pg);
      baseUrl = pg.getConnectionUri();
    }
    if (!brokers) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      run.containers.push(kafka);
      brokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    }
  }
  if (!brokers || !baseUrl) {
    const out = execFileSync(process.execPath, [join(root, 'tools/infra.mjs'), 'up'], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const infra = JSON.parse(out.toString().trim().split('\n').pop()!);
    brokers ??= infra.kafkaBrokers;
    baseUrl ??= infra.databaseUrl;
    run.stopInfra = Object.entries(infra.started as Record<string, boolean>)
      .filter(([, started]) => started)
      .map(([what]) => what);
  }

  const url = new URL(baseUrl!);
  url.pathname = `/provisioning_test_${runId}`;
  run.databaseUrl = url.toString();

  Object.assign(process.env, {
    KAFKA_BROKERS: brokers,
    TEST_RUN_DATABASE_URL: run.databaseUrl,
    TEST_RUN_TOPIC_PREFIX: run.topicPrefix,
    // No suite runs on these: each file's setup replaces them with its own (suite-setup.ts).
    DATABASE_URL: 'postgres://test-file-setup-did-not-run@127.0.0.1:1/none',
    KAFKA_TOPIC_PREFIX: `${run.topicPrefix}no-file.`,
    INTERNAL_API_TOKEN: process.env.INTERNAL_API_TOKEN ?? randomBytes(24).toString('base64url'),
    ADMIN_API_KEY: process.env.ADMIN_API_KEY ?? `admin_${randomBytes(24).toString('base64url')}`,
    SOURCES_ENCRYPTION_KEY: process.env.SOURCES_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    // The platforms' test servers listen on 127.0.0.1 over plain http.
    SSO_SOURCES_ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // Suites check rules, not budgets, and some call fast: a budget none reaches (the keys suite sets its own).
    GATEWAY_RATE_LIMIT_PER_S: process.env.GATEWAY_RATE_LIMIT_PER_S ?? '10000',
    GATEWAY_RATE_LIMIT_BURST: process.env.GATEWAY_RATE_LIMIT_BURST ?? '10000',
    ...TEST_SESSION,
  });
  // The step npm start runs, for the template: database and every service's migrations.
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/prepare.ts'), '--database-only'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: run.databaseUrl },
    stdio: 'inherit',
  });
  (globalThis as { __TEST_RUN__?: TestRun }).__TEST_RUN__ = run;
}
