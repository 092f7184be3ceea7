// npm run bench -- reclamation
// One instance with 50,000 seats (30,000 of its users with SSO logins of ages 0–199 days) and a
// tenant of 200 instances × 1,000 seats, written straight into the resolver's tables as its
// consumers leave them; the resolver (built, as npm start runs it) answers the report, its CSV
// and the tenant summary. Baseline in the same run: one hand-written SQL statement computing
// the same counts over the same tables (checked equal to the report's). Last line: one JSON object.
import type { reclamationReport, reclamationSummary } from '@org/contracts';
import { instanceKey, TOPICS } from '@org/contracts';
import { aConnectionChange } from '@org/contracts/testing';
import { createIdempotentProducer, createKafka } from '@org/kafka';
import { INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@org/service';
import type { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { benchEnv, median, type RunningService, runBench, startService, until } from './bench-env';

const SEATS = Number(process.env.BENCH_SEATS ?? 50_000);
const ACTIVE_USERS = Math.round(SEATS * 0.6);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 200);
const SEATS_EACH = 1_000;
const INACTIVE_AFTER_DAYS = 60;
const CONNECTED_AT = new Date(Date.now() - 400 * 86_400_000).toISOString();

// Instants as the product writes them, in whole milliseconds (JavaScript's precision).
/** Facts of `instances` connected instances of a tenant, `seats` each (user i's seat since 5 + i % 300 days, SSO login for i ≤ `active`, i % 200 days ago). */
async function writeInstances(
  db: Client,
  tenantId: string,
  instances: string[],
  seats: number,
  active: number,
): Promise<string[]> {
  const connections = instances.map(() => randomUUID());
  const x = `unnest($1::uuid[], $2::uuid[]) with ordinality as x(instance_id, connection_id, n)`;
  const args = [instances, connections, tenantId];
  await db.query(
    `insert into instance_fact (instance_id, tenant_id, first_login_at, app_key, app_name)
     select instance_id, $3, now() - interval '400 days', 'app-' || n, 'App ' || n from ${x}`,
    args,
  );
  await db.query(
    `insert into connection_fact (connection_id, tenant_id, instance_id, kind, supports_license_tiers, status, periods, effective_at)
     select connection_id, $3, instance_id, 'provisioning', true, 'connected',
       array[tstzrange($4::timestamptz, null, '[)')], $4::timestamptz from ${x}`,
    [...args, CONNECTED_AT],
  );
  await db.query(
    `insert into connector_snapshot (connection_id, sync_id, tenant_id, as_of, state, users, active_users, tiers)
     select connection_id, 'sync-1', $3, date_trunc('milliseconds', now() - interval '1 day'), 'applied', $4, $4, '{}' from ${x}`,
    [...args, seats],
  );
  await db.query(
    `insert into connector_user_range (connection_id, user_id, during, tenant_id, email, tier, status)
     select connection_id, 'app-user-' || i, tstzrange(date_trunc('milliseconds', now() - (5 + i % 300) * interval '1 day'), null, '[)'), $3,
       'user-' || i || '@bench.test', (array['Enterprise', 'Pro', 'Viewer'])[1 + i % 3], 'active'
     from ${x} cross join generate_series(1, $4) i`,
    [...args, seats],
  );
  // SSO user ids are not the app's, and the SSO platform writes e-mails in another case (R17).
  await db.query(
    `insert into user_activity_fact (instance_id, user_id, tenant_id, email, last_login_at)
     select instance_id, 'sso-' || i, $3, 'User-' || i || '@Bench.test', now() - (i % 200) * interval '1 day'
     from ${x} cross join generate_series(1, $4) i`,
    [...args, active],
  );
  await db.query(
    `insert into reclamation_settings (instance_id, tenant_id, inactive_after_days, exempt_emails, currency,
       default_monthly_price, tier_monthly_prices)
     select instance_id, $3, null, '[]', 'USD', 4, '{"Enterprise": 45, "Pro": 15.5}' from ${x}`,
    args,
  );
  await db.query('analyze');
  return connections;
}

/** The counts of R18 in one statement, per instance of the tenant (the seats' spans never break, so a seat's run starts with its span). */
const BASELINE = `
  with seat as (
    select c.instance_id, r.email, r.tier, (lower(r.during) at time zone 'UTC')::date as since
    from connection_fact c join connector_snapshot s on s.connection_id = c.connection_id and s.state = 'applied'
    join connector_user_range r on r.connection_id = c.connection_id and r.status = 'active' and r.during @> s.as_of
    where c.tenant_id = $1 and c.instance_id = any($2::uuid[])),
  act as (
    select instance_id, lower(email) as person, (max(last_login_at) at time zone 'UTC')::date as day
    from user_activity_fact where tenant_id = $1 and instance_id = any($2::uuid[]) group by 1, 2)
  select s.instance_id, count(*)::int as provisioned,
    (count(*) filter (where a.day >= (now() at time zone 'UTC')::date - $3::int))::int as active,
    (count(*) filter (where s.since <= (now() at time zone 'UTC')::date - $3::int and a.day is null))::int as never_used,
    (count(*) filter (where s.since <= (now() at time zone 'UTC')::date - $3::int and a.day < (now() at time zone 'UTC')::date - $3::int))::int as inactive
  from seat s left join act a on a.instance_id = s.instance_id and a.person = lower(s.email)
  group by s.instance_id`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

async function main() {
  const bench = benchEnv('reclamation');
  const db = new Client({ connectionString: bench.databaseUrl });
  let resolver: RunningService | undefined;
  try {
    resolver = await startService('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', 18_084, {
      ...bench.env,
      // Only the HTTP side is measured: the resolver's Kafka consumers have nothing to do.
    });
    await db.connect();
    await db.query('set search_path to provisioning_resolver');
    const big = randomUUID();
    const wide = Array.from({ length: INSTANCES }, () => randomUUID());
    const bigConnections = await writeInstances(db, 'bench-big', [big], SEATS, ACTIVE_USERS);
    const wideConnections = await writeInstances(db, 'bench-wide', wide, SEATS_EACH, Math.round(SEATS_EACH * 0.6));
    // The views as the resolver keeps them: its view writer materialises each instance from its connection on.
    const kafka = createKafka({
      brokers: bench.brokers,
      clientId: 'bench-reclamation',
      topicPrefix: bench.topicPrefix,
    });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const connected = (tenantId: string, instanceId: string, connectionId: string) => ({
      key: instanceKey(tenantId, instanceId),
      value: JSON.stringify(
        aConnectionChange('connection.connected', {
          tenantId,
          data: { connectionId, instanceId, effectiveAt: CONNECTED_AT, periods: [{ from: CONNECTED_AT, to: null }] },
        }),
      ),
    });
    await producer.send({
      topic: `${bench.topicPrefix}${TOPICS.registryConnections}`,
      acks: -1,
      messages: [
        connected('bench-big', big, bigConnections[0]),
        ...wide.map((instanceId, i) => connected('bench-wide', instanceId, wideConnections[i])),
      ],
    });
    await producer.disconnect();
    await until(async () => {
      const { rows } = await db.query(
        `select count(*)::int as n from view_state where last_day >= (now() at time zone 'UTC')::date`,
      );
      return rows[0].n === INSTANCES + 1;
    }, 600_000);

    const call = (tenantId: string, path: string, accept = 'application/json') =>
      fetch(`${resolver!.url}${path}`, {
        headers: { [INTERNAL_TOKEN_HEADER]: bench.env.INTERNAL_API_TOKEN!, [TENANT_HEADER]: tenantId, accept },
      }).then(async (r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
        return accept === 'text/csv' ? r.text() : r.json();
      });
    const report = () =>
      call('bench-big', `/v1/instances/${big}/reclamation?limit=100`) as Promise<z.infer<typeof reclamationReport>>;
    const baseline = (tenantId: string, instances: string[]) =>
      db.query(BASELINE, [tenantId, instances, INACTIVE_AFTER_DAYS]).then((r) => r.rows);

    // Warm both (plans, caches), and check they count the same.
    const first = await report();
    const [counted] = await baseline('bench-big', [big]);
    const reported = {
      provisioned: first.seats.provisioned,
      active: first.seats.active,
      never_used: first.seats.byReason.never_used,
      inactive: first.seats.byReason.inactive,
    };
    const { instance_id: _id, ...expected } = counted;
    if (JSON.stringify(reported) !== JSON.stringify(expected))
      throw new Error(`the report ${JSON.stringify(reported)} and the baseline ${JSON.stringify(expected)} differ`);

    const reportMs: number[] = [];
    const baselineMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      reportMs.push((await timed(report)).ms);
      baselineMs.push((await timed(() => baseline('bench-big', [big]))).ms);
    }
    const csvMs: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      const { ms, value } = await timed(() => call('bench-big', `/v1/instances/${big}/reclamation`, 'text/csv'));
      csvMs.push(ms);
      rows = (value as string).trimEnd().split('\r\n').length - 1;
    }
    if (rows !== first.seats.reclaimable)
      throw new Error(`CSV has ${rows} rows, the report ${first.seats.reclaimable}`);
    const rssMb = resolver.peakRssMb();

    const summary = (await call('bench-wide', '/v1/reclamation')) as z.infer<typeof reclamationSummary>;
    if (summary.items.length !== INSTANCES) throw new Error(`summary of ${summary.items.length} instances`);
    const summaryMs: number[] = [];
    const summaryBaselineMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      summaryMs.push((await timed(() => call('bench-wide', '/v1/reclamation'))).ms);
      summaryBaselineMs.push((await timed(() => baseline('bench-wide', wide))).ms);
    }

    const round = (ms: number) => Math.round(ms);
    const result = {
      bench: 'reclamation',
      seats: SEATS,
      reclaimable: first.seats.reclaimable,
      instances: INSTANCES,
      instanceReportMs: round(median(reportMs)),
      csvMs: round(median(csvMs)),
      summaryMs: round(median(summaryMs)),
      baselineMs: round(median(baselineMs)),
      summaryBaselineMs: round(median(summaryBaselineMs)),
      ratio: Number((median(reportMs) / median(baselineMs)).toFixed(2)),
      summaryRatio: Number((median(summaryMs) / median(summaryBaselineMs)).toFixed(2)),
      rssMb,
    };
    console.log(JSON.stringify(result));
  } finally {
    await resolver?.stop();
    await db.end().catch(() => undefined);
    await bench.cleanup();
  }
}

runBench(main);
