// npm run bench -- failover
// Issue 19's failover figures, on a secured 3-node cluster of the benchmark's own
// (tools/kafka/cluster.ts), with sso-ingest as the backend: two instances in one consumer group,
// each as the `sso-ingest` principal, fed by the `sso-producer` principal.
// - sigkillRecoveryMs: one instance SIGKILLed, a login sent to every partition at once; the time
//   until all of them are applied (the dead member's partitions moved). Median of 5 kills; the
//   baseline is one kill with kafkajs's own defaults (30 s session, 3 s heartbeat), as before.
// - sigtermHandoffMs: the same with SIGTERM (the instance leaves its group). Median of 3.
// - brokerLossStallMs: logins offered at a steady rate; the node leading most partitions
//   SIGKILLed and started again 30 s later; the longest time no login was applied.
// - lost, duplicated: every login of the runs above sent and kept once (each its own user).
// - scaleOut: logins applied per second by two instances over one, from a full topic.
// Last line: one JSON object.
import { Partitioners } from 'kafkajs';
import { ssoEventKey, TOPIC_SPECS, TOPICS } from '@org/contracts';
import { createIdempotentProducer, createKafka, groupLag } from '@org/kafka';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  busiestLeader,
  credentials,
  grantAcls,
  killNode,
  startCluster,
  startNode,
  stopCluster,
  untilInSync,
} from '../kafka/cluster';
import { benchEnv, median, type RunningService, runBench, startService, until } from './bench-env';

const KILLS = 5;
const TERMS = 3;
/** FAILOVER_PARTS=kill,term,baseline,loss,scale (all by default): a part alone, while tuning. */
const PARTS = new Set((process.env.FAILOVER_PARTS ?? 'kill,term,baseline,loss,scale').split(','));
const SCALE_EVENTS = Number(process.env.BENCH_SCALE_EVENTS ?? 100_000);
const PORTS = [18_181, 18_182];
const DAY = 86_400_000;
const SCALE_TENANT = 'scale-tenant';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-failover-'));
  process.env.KAFKA_CLUSTER_DIR = dir;
  // Below the ephemeral range (32768…), where an outgoing connection may hold the port.
  process.env.KAFKA_CLUSTER_PORT ??= '24092';
  const { brokers } = await startCluster(3).catch(async (error) => {
    await stopCluster();
    throw error;
  });
  const c = credentials();
  const admin = { mechanism: 'scram-sha-512' as const, username: 'admin', password: c.admin };
  const bench = benchEnv('failover', { brokers, admin });
  await grantAcls(bench.topicPrefix);
  const as = (principal: string) => ({
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_USERNAME: principal,
    KAFKA_PASSWORD: c.principals[principal],
  });
  const ingestEnv = (extra: NodeJS.ProcessEnv = {}) => ({ ...bench.env, ...as('sso-ingest'), ...extra });
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  const kafka = createKafka({
    brokers,
    clientId: 'bench-failover',
    topicPrefix: bench.topicPrefix,
    sasl: { mechanism: 'scram-sha-512', username: 'sso-producer', password: c.principals['sso-producer'] },
  });
  const producer = createIdempotentProducer(kafka);
  // Groups and offsets are the admin's to see.
  const adminKafka = createKafka({ brokers, clientId: 'bench-failover-admin', topicPrefix: '', sasl: admin });
  const topic = `${bench.topicPrefix}${TOPICS.ssoEvents}`;
  const instances: Array<RunningService | undefined> = [];
  try {
    await producer.connect();
    const start = async (i: number, extra?: NodeJS.ProcessEnv) => {
      instances[i] = await startService('sso-ingest', 'SSO_INGEST_PORT', PORTS[i], ingestEnv(extra));
      await until(() => ready(instances[i]!), 60_000, 100);
    };
    await start(0);
    const tenantId = 'failover-tenant';
    const ssoConnectionId = await ssoConnection(instances[0]!, bench.env.INTERNAL_API_TOKEN!, tenantId);
    const scaleConnectionId = await ssoConnection(instances[0]!, bench.env.INTERNAL_API_TOKEN!, SCALE_TENANT);
    await start(1);

    // One app per partition of sso.events.v1 (the producer's own partitioner), so a round of
    // logins reaches every partition, and with it both instances.
    const partitions = TOPIC_SPECS[TOPICS.ssoEvents].partitions;
    const partitioner = Partitioners.DefaultPartitioner();
    const apps: string[] = [];
    for (let a = 0; apps.filter(Boolean).length < partitions; a++) {
      const key = ssoEventKey(tenantId, ssoConnectionId, `app-${a}`);
      const partition = partitioner({
        topic,
        partitionMetadata: Array.from({ length: partitions }, (_, p) => ({
          partitionId: p,
          leader: 1,
          partitionErrorCode: 0,
          replicas: [1],
          isr: [1],
        })),
        message: { key, value: null },
      });
      apps[partition] ??= `app-${a}`;
    }
    let sent = 0;
    const login = (user: string, app: string) => {
      sent++;
      return loginMessage(tenantId, ssoConnectionId, app, user, Math.floor(Date.now() / DAY) * DAY - DAY);
    };
    // Sent again until the cluster takes it, as a connector does (a send that failed may have landed: consumers dedupe).
    const send = async (messages: Array<{ key: string; value: string }>) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await producer.send({ topic, acks: -1, messages });
        } catch (error) {
          if (attempt >= 30) throw error;
          await sleep(500);
        }
      }
    };
    const applied = async (userPrefix: string) =>
      Number(
        (
          await db.query(
            `select count(*)::int as n from sso_ingest.login_history where tenant_id = $1 and user_id like $2`,
            [tenantId, `${userPrefix}%`],
          )
        ).rows[0].n,
      );
    let round = 0;
    /** A login on every partition; how long until all are applied. */
    const probe = async (timeoutMs = 180_000) => {
      const prefix = `probe-${++round}-`;
      const at = Date.now();
      await send(apps.map((app, p) => login(`${prefix}${p}`, app)));
      await until(async () => (await applied(prefix)) === partitions, timeoutMs, 50);
      return Date.now() - at;
    };
    await probe(); // both instances at work

    const failover = async (signal: NodeJS.Signals, victim: number, restartEnv?: NodeJS.ProcessEnv) => {
      const service = instances[victim]!;
      const at = Date.now();
      const exited = new Promise((r) => service.process.once('exit', r));
      service.process.kill(signal);
      await probe();
      const ms = Date.now() - at;
      await exited;
      await start(victim, restartEnv);
      await probe(); // the group whole again before the next fault
      await sleep(2_000);
      return ms;
    };
    const sigkills: number[] = [];
    for (let k = 0; k < (PARTS.has('kill') ? KILLS : 0); k++) sigkills.push(await failover('SIGKILL', k % 2));
    console.error(`[bench] SIGKILL recoveries: ${sigkills.join(', ')} ms`);
    const sigterms: number[] = [];
    for (let k = 0; k < (PARTS.has('term') ? TERMS : 0); k++) sigterms.push(await failover('SIGTERM', k % 2));
    console.error(`[bench] SIGTERM handoffs: ${sigterms.join(', ')} ms`);

    let baselineSigkill = NaN;
    if (PARTS.has('baseline')) {
      // The baseline: both instances on kafkajs's own session defaults, as the services ran before issue 19.
      const before = { KAFKA_SESSION_TIMEOUT_MS: '30000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' };
      for (const i of [0, 1]) {
        instances[i]!.process.kill('SIGTERM');
        await new Promise((r) => instances[i]!.process.once('exit', r));
        await start(i, before);
      }
      await probe();
      await sleep(2_000);
      baselineSigkill = await failover('SIGKILL', 1);
      console.error(`[bench] SIGKILL recovery with the old session: ${baselineSigkill} ms`);
      for (const i of [0, 1]) {
        instances[i]!.process.kill('SIGTERM');
        await new Promise((r) => instances[i]!.process.once('exit', r));
        await start(i);
      }
      await probe();
    }

    let stall = NaN;
    let inSyncMs = NaN;
    let leader: Awaited<ReturnType<typeof busiestLeader>> | undefined;
    if (PARTS.has('loss')) {
      // A leader lost under a steady load: logins offered every 20 ms, the applied count sampled every 100 ms.
      let offering = true;
      let streamed = 0;
      const offered: Array<Promise<unknown>> = [];
      const offer = (async () => {
        while (offering) {
          const user = `stream-${streamed}`;
          offered.push(send([login(user, apps[streamed % partitions])]));
          streamed++;
          await sleep(20);
        }
      })();
      const samples: Array<[number, number]> = [];
      let sampling = true;
      const sample = (async () => {
        while (sampling) {
          samples.push([Date.now(), await applied('stream-')]);
          await sleep(100);
        }
      })();
      await sleep(5_000);
      leader = await busiestLeader(bench.topicPrefix);
      const killedAt = Date.now();
      killNode(leader.node);
      console.error(`[bench] killed node ${leader.node}, leader of ${leader.leads} of ${leader.partitions} partitions`);
      await sleep(30_000);
      await startNode(leader.node);
      await sleep(10_000);
      offering = false;
      await offer;
      await Promise.all(offered);
      await until(async () => (await applied('stream-')) === streamed, 180_000, 200);
      sampling = false;
      await sample;
      inSyncMs = await untilInSync(bench.topicPrefix);
      // The longest time without a login applied, from the kill on.
      stall = 0;
      let lastRise = killedAt;
      for (let i = 1; i < samples.length; i++) {
        const [t, n] = samples[i];
        if (t < killedAt || n === samples[i - 1][1]) continue;
        stall = Math.max(stall, t - lastRise);
        lastRise = t;
      }
      console.error(
        `[bench] broker loss: longest stall ${stall} ms; ISR whole ${inSyncMs} ms after the last login applied`,
      );
    }

    const kept = Number(
      (
        await db.query(
          `select coalesce(sum(cardinality(quarters)), 0)::int as n from sso_ingest.login_history where tenant_id = $1`,
          [tenantId],
        )
      ).rows[0].n,
    );

    // Scale-out: the same number of logins drained from a full topic by one instance, then by two.
    const drainRate = async (count: number) => {
      for (const i of [0, 1]) {
        if (!instances[i] || instances[i]!.process.exitCode !== null) continue;
        instances[i]!.process.kill('SIGTERM');
        await new Promise((r) => instances[i]!.process.once('exit', r));
      }
      await fill(send, SCALE_EVENTS, scaleConnectionId);
      await Promise.all(Array.from({ length: count }, (_, i) => start(i)));
      // Timed from the moment every instance is in the group, on what was still to apply then.
      // One admin connection for the whole wait.
      const lagReader = adminKafka.admin();
      await lagReader.connect();
      try {
        const lag = () => groupLag(lagReader, `${bench.topicPrefix}sso-ingest.${TOPICS.ssoEvents}`, [topic]);
        const lagAtStart = await lag();
        const t0 = Date.now();
        await until(async () => (await lag()) === 0, 600_000, 200);
        return lagAtStart / ((Date.now() - t0) / 1000);
      } finally {
        await lagReader.disconnect();
      }
    };
    const one = PARTS.has('scale') ? await drainRate(1) : NaN;
    const two = PARTS.has('scale') ? await drainRate(2) : NaN;
    console.error(`[bench] drain: ${one.toFixed(0)} logins/s with one instance, ${two.toFixed(0)} with two`);

    console.log(
      JSON.stringify({
        bench: 'failover',
        brokers: 3,
        sigkillRecoveryMs: median(sigkills),
        sigkillRecoveriesMs: sigkills,
        sigkillRecoveryBaselineMs: baselineSigkill,
        sigtermHandoffMs: median(sigterms),
        sigtermHandoffsMs: sigterms,
        brokerLossStallMs: stall,
        brokerLossNode: leader,
        inSyncAfterLossMs: inSyncMs,
        lost: Math.max(0, sent - kept),
        duplicated: Math.max(0, kept - sent),
        scaleOutEventsPerS: { one: Math.round(one), two: Math.round(two) },
        scaleOut: Number((two / one).toFixed(2)),
      }),
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
    await Promise.all(instances.map((s) => s?.stop()));
    await db.end();
    await bench.cleanup();
    await stopCluster();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** /readyz: the database reached and the consumers in their groups. */
const ready = (service: RunningService) =>
  fetch(`${service.url}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

async function ssoConnection(service: RunningService, token: string, tenantId: string): Promise<string> {
  const res = await fetch(`${service.url}/v1/sso-connections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': token, 'x-tenant-id': tenantId },
    body: JSON.stringify({ platform: 'okta', name: 'Okta' }),
  });
  return ((await res.json()) as { id: string }).id;
}

/** One sso.login of `user` on `app` at `at`, keyed as SPEC §4 keys it. */
function loginMessage(tenantId: string, ssoConnectionId: string, app: string, user: string, at: number) {
  return {
    key: ssoEventKey(tenantId, ssoConnectionId, app),
    value: JSON.stringify({
      id: crypto.randomUUID(),
      type: 'sso.login',
      version: 1,
      tenantId,
      occurredAt: new Date().toISOString(),
      data: {
        ssoConnectionId,
        ssoAppId: app,
        appKey: app,
        appName: app,
        userId: user,
        email: `${user}@${tenantId}.test`,
        method: 'sso',
        at: new Date(at).toISOString(),
      },
    }),
  };
}

/** `count` logins of another tenant (200 apps, 10k users, one year), in batches. */
async function fill(
  send: (messages: Array<{ key: string; value: string }>) => Promise<unknown>,
  count: number,
  ssoConnectionId: string,
) {
  const tenantId = SCALE_TENANT;
  for (let i = 0; i < count;) {
    const messages = [];
    for (let b = 0; b < 5_000 && i < count; b++, i++) {
      const at = Date.now() - ((i * 104_729) % (365 * 96)) * 900_000;
      messages.push(loginMessage(tenantId, ssoConnectionId, `app-${i % 200}`, `user-${(i * 7919) % 10_000}`, at));
    }
    await send(messages);
  }
}

/** What sso-ingest's consumer group of sso.events.v1 has yet to apply. */
runBench(main);
