import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import { connectorEventKey, type Period } from '@org/contracts';
import { dateMultirangeOf, dayOf, type DayRange, dayRangesOf, isoToDay, mergeRanges } from '@org/days';
import { addToOutbox, dlqEntry, type EventBatch } from '@org/kafka';
import { applyHeldSnapshots, lockConnections } from '../connector/connector-data';
import { type UsageRow, usageEvent } from '../connector/waiting-connector-data.service';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { timeZoneOf } from '../view/instance-facts';
import { ViewState } from '../view/view-state.entity';
import { ActivityFact } from './activity-fact.entity';
import { ConnectionFact } from './connection-fact.entity';
import { EstimateChange } from './estimate-change.entity';
import { EstimateFact } from './estimate-fact.entity';
import { periodsJson, periodsParameter } from './connection-periods';
import { RebuildViewService } from '../view/rebuild-view.service';
import { refreshViews, startRebuild, type TouchedDays } from '../view/view-writer';

/**
 * The facts the daily views are computed from (R8–R15), each kept as its producer last
 * stated it. Every input is a whole state keyed by its natural key, so replays and
 * duplicates change nothing; the connection keeps the state of the latest effective change.
 */
@Controller()
export class RecordFactsKafkaController {
  constructor(private readonly rebuilds: RebuildViewService) {}

  @EventPattern(TOPICS.registryConnections)
  async recordConnections(@Payload() batch: EventBatch<typeof TOPICS.registryConnections>): Promise<void> {
    const touched: TouchedDays[] = [];
    let rebuilding = false;
    const connectionIds = [...new Set(batch.events.map((e) => e.data.connectionId))];
    await lockConnections(batch.em, connectionIds);
    for (const e of batch.events) {
      const before = await batch.em.findOne(
        ConnectionFact,
        { connectionId: e.data.connectionId },
        { fields: ['status', 'periods'], lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
      );
      // Raw: an upsert that keeps the newer state (a condition on the conflict), returning what is kept.
      const [after] = await query<{ tenant_id: string; status: string; periods: Period[] }>(
        batch.em,
        `insert into connection_fact (connection_id, tenant_id, instance_id, kind, supports_license_tiers, status, periods, effective_at)
         values (?, ?, ?, ?, ?, ?, ${periodsParameter('?')}, ?)
         on conflict (connection_id) do update set
           status = excluded.status, periods = excluded.periods, effective_at = excluded.effective_at
         where connection_fact.status <> 'deleted' and excluded.effective_at >= connection_fact.effective_at
         returning tenant_id, status, ${periodsJson('periods')} as periods`,
        [
          e.data.connectionId,
          e.tenantId,
          e.data.instanceId,
          e.data.kind,
          e.data.supportsLicenseTiers,
          e.data.status,
          JSON.stringify(e.data.periods),
          e.data.effectiveAt,
        ],
      );
      if (!after || after.tenant_id !== e.tenantId) continue; // older than what is known, or deleted already
      if (after.status === 'deleted' && before?.status !== 'deleted') {
        // R12: the data goes with the switch to a rebuilt generation; a second delete changes nothing.
        await startRebuild(batch.em, e.data.instanceId, e.tenantId, 'connection_deleted', e.data.connectionId);
        rebuilding = true;
        continue;
      }
      const timeZone = await timeZoneOf(batch.em, e.tenantId);
      const starts = [...(before?.periods ?? []), ...after.periods].map((p) => dayOf(Date.parse(p.from), timeZone));
      // A connection without any period (yet) shows on no day.
      if (starts.length)
        touched.push({ instanceId: e.data.instanceId, tenantId: e.tenantId, from: Math.min(...starts), to: null });
    }
    await dropForeignUsage(batch.em, connectionIds);
    touched.push(...(await applyHeldSnapshots(batch.em, connectionIds)));
    await refreshViews(batch.em, touched);
    if (rebuilding) batch.afterCommit(() => this.rebuilds.wake());
  }

  @EventPattern(TOPICS.ssoEstimates, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordEstimates(@Payload() batch: EventBatch<typeof TOPICS.ssoEstimates>): Promise<void> {
    const latest = new Map(batch.events.map((e) => [`${e.data.instanceId}|${e.data.userId}`, e]));
    // Merged as PostgreSQL keeps them, so what is added now is exactly what is taken off later.
    const estimates = [...latest.values()].map((e) => ({
      instanceId: e.data.instanceId,
      userId: e.data.userId,
      tenantId: e.tenantId,
      email: e.data.email,
      ranges: mergeRanges(
        e.data.intervals.map((i) => ({ from: isoToDay(i.from), to: i.to === null ? null : isoToDay(i.to) })),
      ),
    }));
    // Raw, like the upsert below: the days being replaced, of a chunk of 5,000 (npm run bench -- ingest).
    const earlier = (
      await query<{ instance_id: string; tenant_id: string; days: string }>(
        batch.em,
        `select instance_id, tenant_id, days::text from estimate_fact
         where (instance_id, user_id) in (select * from unnest(?::uuid[], ?::text[]))`,
        [estimates.map((e) => e.instanceId), estimates.map((e) => e.userId)],
      )
    ).map((r) => ({ instanceId: r.instance_id, tenantId: r.tenant_id, ranges: dayRangesOf(r.days) }));
    // Raw: a bulk unnest upsert of datemultiranges, per chunk of 5,000 estimates (npm run bench -- ingest).
    const fact = tableOf(batch.em, EstimateFact);
    const columns = ['instanceId', 'userId', 'tenantId', 'email', 'days'] as const;
    await query(
      batch.em,
      `${fact.bulkInsert(columns)}
       on conflict (${fact.columns(['instanceId', 'userId'])}) do update set ${fact.excluded(['email', 'days'])}`,
      fact.arrays(
        estimates.map((e) => ({ ...e, days: dateMultirangeOf(e.ranges) })),
        columns,
      ),
    );
    await recordEstimateChanges(batch.em, [
      ...earlier.map((e) => ({ ...e, sign: -1 })),
      ...estimates.map((e) => ({ ...e, sign: 1 })),
    ]);
    // The days an estimate changed lie within the old and new ranges, together.
    const touched = [...earlier, ...estimates].flatMap(({ instanceId, tenantId, ranges }) =>
      ranges.map((r) => ({ instanceId, tenantId, from: r.from, to: r.to })),
    );
    await refreshViews(batch.em, touched);
  }

  @EventPattern(TOPICS.ssoActivity, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordActivity(@Payload() batch: EventBatch<typeof TOPICS.ssoActivity>): Promise<void> {
    const latest = new Map(batch.events.map((e) => [`${e.data.instanceId}|${e.data.day}`, e]));
    const events = [...latest.values()];
    await batch.em.upsertMany(
      ActivityFact,
      events.map((e) => ({
        instanceId: e.data.instanceId,
        day: isoToDay(e.data.day),
        tenantId: e.tenantId,
        activeUsers: e.data.activeUsers,
      })),
      { onConflictFields: ['instanceId', 'day'], onConflictMergeFields: ['activeUsers'], disableIdentityMap: true },
    );
    await refreshViews(
      batch.em,
      events.map((e) => ({
        instanceId: e.data.instanceId,
        tenantId: e.tenantId,
        from: isoToDay(e.data.day),
        to: isoToDay(e.data.day),
      })),
    );
  }

  @EventPattern(TOPICS.tenants)
  async recordTenants(@Payload() batch: EventBatch<typeof TOPICS.tenants>): Promise<void> {
    let rebuilding = false;
    for (const e of batch.events) {
      const before = await timeZoneOf(batch.em, e.tenantId);
      await batch.em.upsert(
        TenantSettings,
        { tenantId: e.tenantId, timeZone: e.data.timeZone },
        { onConflictFields: ['tenantId'], disableIdentityMap: true },
      );
      if (before === e.data.timeZone) continue;
      // Days move with the zone: every view of the tenant is rebuilt, readers keeping the old one meanwhile.
      const views = await batch.em.find(
        ViewState,
        { tenantId: e.tenantId },
        { fields: ['instanceId'], orderBy: { instanceId: 'asc' }, disableIdentityMap: true },
      );
      for (const { instanceId } of views) {
        await startRebuild(batch.em, instanceId, e.tenantId, 'time_zone_changed', null);
        rebuilding = true;
      }
    }
    if (rebuilding) batch.afterCommit(() => this.rebuilds.wake());
  }

  @EventPattern(TOPICS.ssoInstances)
  async recordInstances(@Payload() batch: EventBatch<typeof TOPICS.ssoInstances>): Promise<void> {
    // One row per instance, its earliest first login (a state topic: later states only add logins).
    const instances = new Map<string, { tenantId: string; firstLoginAt: string | null }>();
    for (const e of batch.events) {
      if (e.type !== 'sso.instance.changed') continue;
      const seen = instances.get(e.data.instanceId);
      const at = e.data.firstLoginAt ?? null;
      const earliest = !seen?.firstLoginAt || (at !== null && Date.parse(at) < Date.parse(seen.firstLoginAt));
      instances.set(e.data.instanceId, { tenantId: e.tenantId, firstLoginAt: earliest ? at : seen.firstLoginAt });
    }
    if (!instances.size) return;
    // R14: an earlier first login turns the days from it on from "unknown" (null) to counted (0 or more).
    // Raw: a conditional upsert that also returns the value it replaced, which em.upsertMany cannot.
    const moved = await query<{
      instance_id: string;
      tenant_id: string;
      first_login_at: number;
      before: number | null;
    }>(
      batch.em,
      `with incoming as (
         select * from unnest(?::uuid[], ?::text[], ?::timestamptz[]) as s(instance_id, tenant_id, first_login_at)),
       earlier as (
         select f.instance_id, f.first_login_at from instance_fact f join incoming using (instance_id)),
       changed as (
         insert into instance_fact (instance_id, tenant_id, first_login_at) select * from incoming
         on conflict (instance_id) do update set first_login_at = excluded.first_login_at
         where instance_fact.tenant_id = excluded.tenant_id
           and excluded.first_login_at < coalesce(instance_fact.first_login_at, 'infinity')
         returning instance_id, tenant_id, first_login_at)
       select c.instance_id, c.tenant_id, (extract(epoch from c.first_login_at) * 1000)::float8 as first_login_at,
         (extract(epoch from e.first_login_at) * 1000)::float8 as before
       from changed c left join earlier e using (instance_id)
       where c.first_login_at is not null`,
      [
        [...instances.keys()],
        [...instances.values()].map((i) => i.tenantId),
        [...instances.values()].map((i) => i.firstLoginAt),
      ],
    );
    const touched: TouchedDays[] = [];
    const zones = new Map<string, string>();
    for (const m of moved) {
      const timeZone = zones.get(m.tenant_id) ?? (await timeZoneOf(batch.em, m.tenant_id));
      zones.set(m.tenant_id, timeZone);
      const to = m.before === null ? null : dayOf(m.before, timeZone) - 1;
      touched.push({ instanceId: m.instance_id, tenantId: m.tenant_id, from: dayOf(m.first_login_at, timeZone), to });
    }
    await refreshViews(batch.em, touched);
  }
}

/** Moves the per-day estimate changes by the days a user left (sign −1) and entered (+1). */
async function recordEstimateChanges(
  em: EntityManager,
  estimates: Array<{ instanceId: string; tenantId: string; ranges: DayRange[]; sign: number }>,
): Promise<void> {
  const deltas = new Map<string, { instanceId: string; tenantId: string; day: number; delta: number }>();
  const add = (instanceId: string, tenantId: string, day: number, delta: number) => {
    const key = `${instanceId}|${day}`;
    const d = deltas.get(key) ?? { instanceId, tenantId, day, delta: 0 };
    d.delta += delta;
    deltas.set(key, d);
  };
  for (const { instanceId, tenantId, ranges, sign } of estimates) {
    for (const r of ranges) {
      add(instanceId, tenantId, r.from, sign);
      if (r.to !== null) add(instanceId, tenantId, r.to + 1, -sign);
    }
  }
  const rows = [...deltas.values()].filter((d) => d.delta !== 0);
  if (!rows.length) return;
  // Raw: an increment on conflict (delta + excluded.delta), per chunk of 5,000 estimates (npm run bench -- ingest).
  const change = tableOf(em, EstimateChange);
  const columns = ['instanceId', 'day', 'tenantId', 'delta'] as const;
  const delta = change.column('delta');
  await query(
    em,
    `${change.bulkInsert(columns)}
     on conflict (${change.columns(['instanceId', 'day'])}) do update set ${delta} = ${change.name}.${delta} + excluded.${delta}`,
    change.arrays(rows, columns),
  );
}

/** Usage that waited for a connection of another tenant is refused once the connection is known. */
async function dropForeignUsage(em: EntityManager, connectionIds: string[]): Promise<void> {
  // Raw: a delete joined to the connection, returning what it took.
  const foreign = await query<UsageRow>(
    em,
    `delete from usage_fact u using connection_fact c
     where u.connection_id = any(?::uuid[]) and c.connection_id = u.connection_id and c.tenant_id <> u.tenant_id
     returning u.connection_id, u.day::text, u.user_id, u.tenant_id, u.events, u.event_id`,
    [connectionIds],
  );
  await addToOutbox(
    em,
    foreign.map((u) =>
      dlqEntry(TOPICS.connectorUsage, connectorEventKey(u.tenant_id, u.connection_id), usageEvent(u), {
        code: 'TENANT_MISMATCH',
        message: `connection ${u.connection_id} belongs to another tenant`,
      }),
    ),
  );
}
