// npm run bench -- read
// autocannon, 50 connections, on the 365-day view of one instance through the gateway (tenant
// key, routing, the resolver's read) and, in the same run, on the gateway's /healthz.
// Last line: one JSON object.
import { estimateKey, instanceKey, newEvent, TOPICS, connectorEventKey } from '@org/contracts';
import { dayOf, dayToIso } from '@org/days';
import { aConnectionChange, anInstanceMessage } from '@org/contracts/testing';
import { createIdempotentProducer, createKafka } from '@org/kafka';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { benchEnv, type RunningService, startService, until, runBench } from './bench-env';

const DAY = 86_400_000;
const USERS = 1_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function main() {
  const bench = benchEnv('read');
  const kafka = createKafka({ brokers: bench.brokers, clientId: 'bench-read', topicPrefix: bench.topicPrefix });
  const producer = createIdempotentProducer(kafka);
  const db = new Client({ connectionString: bench.databaseUrl });
  const services: RunningService[] = [];
  try {
    const resolver = await startService('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', 18_083, bench.env);
    services.push(resolver);
    const gateway = await startService('gateway', 'GATEWAY_PORT', 18_080, {
      ...bench.env,
      PROVISIONING_RESOLVER_URL: resolver.url,
      // Budgets on (SPEC §5), each call spending from its key's bucket, which holds more than the load.
      GATEWAY_RATE_LIMIT_PER_S: '1000000',
      GATEWAY_RATE_LIMIT_BURST: '1000000',
    });
    services.push(gateway);
    await producer.connect();
    await db.connect();
    await db.query('set search_path to provisioning_resolver');

    const created = await fetch(`${gateway.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bench.env.ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench' }),
    });
    const { tenantId, apiKey } = (await created.json()) as { tenantId: string; apiKey: string };

    // A year of one instance: 1,000 estimated users, a connection for the last 200 days with weekly snapshots.
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const now = Date.now();
    const today = dayOf(now, 'UTC');
    const send = (topic: string, messages: Array<{ key: string; value: unknown }>) =>
      producer.send({
        topic: `${bench.topicPrefix}${topic}`,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
      });
    await send(TOPICS.ssoInstances, [
      anInstanceMessage(tenantId, {
        instanceId,
        ssoAppId: 'bench-app',
        appKey: 'bench',
        appName: 'Bench',
        lastLoginAt: new Date(now).toISOString(),
      }),
    ]);
    await send(
      TOPICS.ssoEstimates,
      Array.from({ length: USERS }, (_, i) => ({
        key: estimateKey(tenantId, instanceId, `user-${i}`),
        value: newEvent('sso.estimate', tenantId, {
          instanceId,
          userId: `user-${i}`,
          email: `user-${i}@bench.test`,
          intervals: [{ from: dayToIso(today - 400 + (i % 30)), to: i % 7 === 0 ? dayToIso(today - 100) : null }],
        }),
      })),
    );
    const from = new Date(now - 200 * DAY).toISOString();
    await send(TOPICS.registryConnections, [
      {
        key: instanceKey(tenantId, instanceId),
        value: aConnectionChange('connection.connected', {
          tenantId,
          data: { connectionId, instanceId, effectiveAt: from },
        }),
      },
    ]);
    for (let week = 0; week < 28; week++) {
      await send(TOPICS.connectorSnapshots, [
        {
          key: connectorEventKey(tenantId, connectionId),
          value: newEvent('connector.snapshot', tenantId, {
            connectionId,
            syncId: `week-${week}`,
            asOf: new Date(now - 196 * DAY + week * 7 * DAY).toISOString(),
            page: 1,
            pageCount: 1,
            users: Array.from({ length: USERS - week * 5 }, (_, i) => ({
              userId: `user-${i}`,
              email: `user-${i}@bench.test`,
              tier: ['Pro', 'Viewer'][i % 2],
              status: 'active',
            })),
          }),
        },
      ]);
    }
    await until(async () => {
      const { rows } = await db.query(
        `select count(*)::int as n from view_day where instance_id = $1 and day > $2::date`,
        [instanceId, dayToIso(today - 365)],
      );
      const { rows: snaps } = await db.query(
        'select count(*)::int as n from connector_snapshot where connection_id = $1',
        [connectionId],
      );
      return rows[0].n === 365 && snaps[0].n === 28;
    }, 120_000);

    const path = `/v1/instances/${instanceId}/provisioning?from=${dayToIso(today - 364)}&to=${dayToIso(today)}`;
    const check = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await check.json()) as { days: unknown[] };
    if (check.status !== 200 || body.days.length !== 365) throw new Error(`unexpected answer ${check.status}`);

    const load = (url: string, headers: Record<string, string> = {}) =>
      autocannon({ url, connections: 50, duration: SECONDS, headers });
    await load(`${gateway.url}${path}`, { authorization: `Bearer ${apiKey}` }); // warm-up, discarded
    const view = await load(`${gateway.url}${path}`, { authorization: `Bearer ${apiKey}` });
    const healthz = await load(`${gateway.url}/healthz`);
    // The resolver alone, as the gateway calls it: how the time splits between the two.
    const direct = await load(`${resolver.url}${path}`, {
      'x-internal-token': bench.env.INTERNAL_API_TOKEN!,
      'x-tenant-id': tenantId,
    });
    if (view.non2xx || view.errors) throw new Error(`view: ${view.non2xx} non-2xx, ${view.errors} errors`);
    console.error(
      `[bench] view: ${view.requests.average} req/s, p50 ${view.latency.p50} ms, p99 ${view.latency.p99} ms; ` +
        `healthz: ${healthz.requests.average} req/s, p99 ${healthz.latency.p99} ms`,
    );
    console.log(
      JSON.stringify({
        bench: 'read',
        days: 365,
        p99Ms: view.latency.p99,
        reqPerSec: view.requests.average,
        healthzReqPerSec: healthz.requests.average,
        ratio: Number((view.requests.average / healthz.requests.average).toFixed(3)),
        resolverReqPerSec: direct.requests.average,
        resolverP99Ms: direct.latency.p99,
        rssMb: { gateway: gateway.peakRssMb(), resolver: resolver.peakRssMb() },
      }),
    );
  } finally {
    for (const s of services.reverse()) await s.stop();
    await producer.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
    await bench.cleanup();
  }
}

runBench(main);
