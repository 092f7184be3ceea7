// Global hooks run outside Jest's module mapping, so this file uses pg and kafkajs directly.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { TestRun } from './global-setup';

/** Drops the run's database and topics, and stops only what the setup started. */
export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as { __TEST_RUN__?: TestRun }).__TEST_RUN__;
  if (!run) return;
  if (process.env.KEEP_TEST_DATA !== '1') {
    await dropDatabase(run.databaseUrl).catch((e) => console.warn(`could not drop the test database: ${e.message}`));
    await deleteTopics(run.topicPrefix).catch((e) => console.warn(`could not delete the test topics: ${e.message}`));
  }
  await Promise.all(run.containers.map((c) => c.stop()));
  if (run.stopInfra.length) {
    execFileSync(process.execPath, [join(__dirname, '../../../tools/infra.mjs'), 'down', ...run.stopInfra], {
      stdio: 'inherit',
    });
  }
}

async function dropDatabase(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

async function deleteTopics(prefix: string) {
  const kafka = new Kafka({
    clientId: 'teardown',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
