// npm run bench -- rebuild
// An instance with N users and three years of daily snapshots with churn (written straight
// into the resolver's tables as the snapshots would have left them: per-user ranges and one
// row per snapshot), its view materialised by the resolver; then connection.deleted →
// rebuild finished (timed from the event produced to the switch of generation in the
// database), against one SQL scan over the same ranges and estimate intervals. Three sizes;
// the figures of the largest, and how the time grows with the size. Last line: one JSON object.
import { instanceKey, TOPICS } from '@org/contracts';
import { aConnectionChange } from '@org/contracts/testing';
import { createIdempotentProducer, createKafka } from '@org/kafka';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { benchEnv, type RunningService, startService, until, median, runBench } from './bench-env';

const SIZES = (process.env.BENCH_SIZES ?? '2500,5000,10000').split(',').map(Number);
const DAYS = 3 * 365;
const DAY = 86_400_000;
const TIERS = ['Enterprise', 'Pro', 'Viewer'];

interface Range {
  f: number;
  t: number | null;
  e: string;
  r: string | null;
  s: string;
}

/** Daily snapshots for DAYS days: each day 0.3% leave, as many join, 0.5% change tier. */
function history(users: number, start: number) {
  let rng = 7;
  const random = () => (rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const ranges = new Map<string, Range[]>();
  const present = new Map<string, Range>();
  let next = 0;
  const join = (at: number) => {
    const userId = `user-${next++}`;
    const r = { f: at, t: null, e: `${userId}@bench.test`, r: TIERS[next % 3], s: 'active' };
    ranges.set(userId, [r]);
    present.set(userId, r);
  };
  const snapshots: number[] = [];
  for (let d = 0; d < DAYS; d++) {
    const at = start + d * DAY + 3_600_000;
    snapshots.push(at);
    if (d === 0) {
      for (let i = 0; i < users; i++) join(at);
      continue;
    }
    for (const [userId, r] of [...present]) {
      const x = random();
      if (x < 0.003) {
        r.t = at;
        present.delete(userId);
      } else if (x < 0.008) {
        r.t = at;
        const moved = { ...r, f: at, t: null, r: TIERS[(TIERS.indexOf(r.r!) + 1) % 3] };
        ranges.get(userId)!.push(moved);
        present.set(userId, moved);
      }
    }
    while (present.size < users) join(at);
  }
  return { ranges, snapshots };
}

async function main() {
  const bench = benchEnv('rebuild');
  const kafka = createKafka({ brokers: bench.brokers, clientId: 'bench-rebuild', topicPrefix: bench.topicPrefix });
  const producer = createIdempotentProducer(kafka);
  const db = new Client({ connectionString: bench.databaseUrl });
  let resolver: RunningService | undefined;
  try {
    resolver = await startService('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', 18_083, bench.env);
    await producer.connect();
    await db.connect();
    await db.query('set search_path to provisioning_resolver');
    const tenantId = 'bench-tenant';
    const today = Math.floor(Date.now() / DAY);
    const start = (today - DAYS) * DAY;
    const connectionEvent = (
      type: 'connection.disconnected' | 'connection.deleted',
      instanceId: string,
      connectionId: string,
    ) => {
      const from = new Date(start).toISOString();
      const to = new Date((today - 1) * DAY).toISOString();
      return {
        key: instanceKey(tenantId, instanceId),
        value: JSON.stringify(
          aConnectionChange(type, {
            tenantId,
            data: { connectionId, instanceId, effectiveAt: to, periods: [{ from, to }] },
          }),
        ),
      };
    };

    const results = [];
    for (const users of SIZES) {
      const instanceId = randomUUID();
      const connectionId = randomUUID();
      const { ranges, snapshots } = history(users, start);
      const ids = [...ranges.keys()];
      for (let i = 0; i < ids.length; i += 5_000) {
        const slice = ids.slice(i, i + 5_000);
        const spans = slice.flatMap((id) => ranges.get(id)!.map((r) => ({ id, ...r })));
        const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
        await db.query(
          `insert into connector_user_range (connection_id, user_id, during, tenant_id, email, tier, status)
           select $1, u, tstzrange(f, t, '[)'), $2, e, r, s
           from unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[]) as x(u, f, t, e, r, s)`,
          [
            connectionId,
            tenantId,
            spans.map((x) => x.id),
            spans.map((x) => iso(x.f)),
            spans.map((x) => iso(x.t)),
            spans.map((x) => x.e),
            spans.map((x) => x.r),
            spans.map((x) => x.s),
          ],
        );
        await db.query(
          `insert into estimate_fact (instance_id, user_id, tenant_id, email, days)
           select $1, u, $2, u || '@bench.test', $3::datemultirange from unnest($4::text[]) as u`,
          [instanceId, tenantId, `{[${new Date(start).toISOString().slice(0, 10)},)}`, slice],
        );
      }
      // What the resolver keeps beside estimates: their changes per day (see estimate-change.entity.ts).
      await db.query(
        `insert into estimate_change (instance_id, day, tenant_id, delta)
         select $1, $2::date, $3, $4`,
        [instanceId, new Date(start).toISOString().slice(0, 10), tenantId, ids.length],
      );
      await db.query(
        `insert into connector_snapshot (connection_id, sync_id, tenant_id, as_of, state, users, active_users)
         select $1, 'sync-' || n, $2, to_timestamp(at / 1000.0), 'applied', $3, $3
         from unnest($4::float8[]) with ordinality as s(at, n)`,
        [connectionId, tenantId, users, snapshots],
      );
      const rangeCount = [...ranges.values()].reduce((n, r) => n + r.length, 0);
      await producer.send({
        topic: `${bench.topicPrefix}${TOPICS.registryConnections}`,
        acks: -1,
        messages: [connectionEvent('connection.disconnected', instanceId, connectionId)],
      });
      await until(async () => {
        const { rows } = await db.query(
          `select count(*)::int as n from view_day where instance_id = $1 and source = 'connector'`,
          [instanceId],
        );
        return rows[0].n === DAYS - 1;
      }, 300_000);

      const scanMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = Date.now();
        await db.query(
          `select count(*), sum(x) from (
             select extract(epoch from coalesce(upper(during), lower(during)) - lower(during))::bigint as x
             from connector_user_range where connection_id = $1
             union all
             select upper(r) - lower(r) from estimate_fact e cross join lateral unnest(e.days) r
             where e.instance_id = $2) s`,
          [connectionId, instanceId],
        );
        scanMs.push(Date.now() - t);
      }

      const t0 = Date.now();
      await producer.send({
        topic: `${bench.topicPrefix}${TOPICS.registryConnections}`,
        acks: -1,
        messages: [connectionEvent('connection.deleted', instanceId, connectionId)],
      });
      await until(
        async () =>
          (await db.query('select 1 from view_state where instance_id = $1 and generation = 2', [instanceId])).rows
            .length > 0,
        300_000,
        10, // ms between polls: tighter polling would itself load the database being measured
      );
      const rebuildMs = Date.now() - t0;
      const { rows: after } = await db.query(
        `select (select count(distinct user_id) from connector_user_range where connection_id = $1)::int as users,
                (select count(*) from view_day where instance_id = $2 and source = 'connector')::int as connector_days`,
        [connectionId, instanceId],
      );
      if (after[0].users !== 0 || after[0].connector_days !== 0)
        throw new Error(`not purged: ${JSON.stringify(after)}`);
      const result = { users, ranges: rangeCount, rebuildMs, scanMs: median(scanMs) };
      console.error(`[bench] ${JSON.stringify(result)}`);
      results.push(result);
    }
    const rssMb = resolver.peakRssMb();

    const small = results[0];
    const large = results[results.length - 1];
    console.log(
      JSON.stringify({
        bench: 'rebuild',
        users: large.users,
        days: DAYS,
        ranges: large.ranges,
        rebuildMs: large.rebuildMs,
        scanMs: large.scanMs,
        ratio: Number((large.rebuildMs / large.scanMs).toFixed(2)),
        growthExponent: Number(
          (Math.log(large.rebuildMs / small.rebuildMs) / Math.log(large.users / small.users)).toFixed(2),
        ),
        rssMb,
      }),
    );
  } finally {
    await resolver?.stop();
    await producer.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
    await bench.cleanup();
  }
}

runBench(main);
