import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import { connectorEventKey, isLaterLogin, type Period } from '@org/contracts';
import { dateMultirangeOf, dayOf, type DayRange, dayRangesOf, isoToDay, mergeRanges } from '@org/days';
import { addToOutbox, dlqEntry, type EventBatch } from '@org/kafka';
import { applyHeldSnapshots, lockConnections } from '../connector/connector-data';
import { UsageFact } from '../connector/usage-fact.entity';
import { usageEvent } from '../connector/waiting-connector-data.service';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { timeZoneOf } from '../view/instance-facts';
import { ViewState } from '../view/view-state.entity';
import { ActivityFact } from './activity-fact.entity';
import { ConnectionFact } from './connection-fact.entity';
import { EstimateChange } from './estimate-change.entity';
import { EstimateFact } from './estimate-fact.entity';
import { periodsJson } from './connection-periods';
import { InstanceFact } from './instance-fact.entity';
import { UserActivityFact } from './user-activity-fact.entity';
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
    const fact = tableOf(batch.em, ConnectionFact);
    const columns = [
      'connectionId',
      'tenantId',
      'instanceId',
      'kind',
      'supportsLicenseTiers',
      'status',
      'periods',
      'effectiveAt',
    ] as const;
    const [status, effectiveAt] = [fact.column('status'), fact.column('effectiveAt')];
    for (const e of batch.events) {
      const before = await batch.em.findOne(
        ConnectionFact,
        { connectionId: e.data.connectionId },
        { fields: ['status', 'periods'], lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
      );
      // Raw: an upsert that keeps the newer state (a condition on the conflict), returning what is kept.
      const [after] = await query<{ tenant_id: string; status: string; periods: Period[] }>(
        batch.em,
        `${fact.insert(columns)}
         on conflict (${fact.column('connectionId')}) do update set ${fact.excluded(['status', 'periods', 'effectiveAt'])}
         where ${fact.name}.${status} <> 'deleted' and excluded.${effectiveAt} >= ${fact.name}.${effectiveAt}
         returning ${fact.column('tenantId')} as tenant_id, ${status} as status, ${periodsJson(fact.column('periods'))} as periods`,
        fact.values({ ...e.data, tenantId: e.tenantId, effectiveAt: new Date(e.data.effectiveAt) }, columns),
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
    const fact = tableOf(batch.em, EstimateFact);
    const key = ['instanceId', 'userId'] as const;
    // Raw, like the upsert below: the days being replaced, of a chunk of 5,000 (npm run bench -- ingest).
    const earlier = (
      await query(
        batch.em,
        `select ${fact.columns(['instanceId', 'tenantId', 'days'])} from ${fact.name}
         where (${fact.columns(key)}) in (select * from unnest(${fact.arrayParameters(key)}))`,
        fact.arrays(estimates, key),
      )
    )
      .map((r) => fact.row(r))
      .map((r) => ({ instanceId: r.instanceId, tenantId: r.tenantId, ranges: dayRangesOf(r.days) }));
    // Raw: a bulk unnest upsert of datemultiranges, per chunk of 5,000 estimates (npm run bench -- ingest).
    const columns = ['instanceId', 'userId', 'tenantId', 'email', 'days'] as const;
    await query(
      batch.em,
      `${fact.bulkInsert(columns)}
       on conflict (${fact.columns(key)}) do update set ${fact.excluded(['email', 'days'])}`,
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
        { tenantId: e.tenantId, timeZone: e.data.timeZone, inactiveAfterDays: e.data.inactiveAfterDays },
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

  /** R17: each user's latest non-social login; the later one wins, whatever the order (R20). */
  @EventPattern(TOPICS.ssoUserActivity, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordUserActivity(@Payload() batch: EventBatch<typeof TOPICS.ssoUserActivity>): Promise<void> {
    const latest = new Map<string, UserActivityFact>();
    for (const e of batch.events) {
      const key = `${e.data.instanceId}|${e.data.userId}`;
      const seen = latest.get(key);
      const at = new Date(e.data.lastLoginAt);
      if (!seen || isLaterLogin(+at, e.data.email, +seen.lastLoginAt, seen.email))
        latest.set(key, { ...e.data, tenantId: e.tenantId, lastLoginAt: at });
    }
    const fact = tableOf(batch.em, UserActivityFact);
    const columns = ['instanceId', 'userId', 'tenantId', 'email', 'lastLoginAt'] as const;
    const [stored, incoming] = [
      (p: 'tenantId' | 'email' | 'lastLoginAt') => `${fact.name}.${fact.column(p)}`,
      (p: 'tenantId' | 'email' | 'lastLoginAt') => `excluded.${fact.column(p)}`,
    ];
    // Raw: a bulk upsert that keeps the later login (isLaterLogin as a condition on the conflict), per chunk of 5,000.
    await query(
      batch.em,
      `${fact.bulkInsert(columns)}
       on conflict (${fact.columns(['instanceId', 'userId'])}) do update set ${fact.excluded(['email', 'lastLoginAt'])}
       where ${stored('tenantId')} = ${incoming('tenantId')}
         and (${incoming('lastLoginAt')}, ${incoming('email')} collate "C") > (${stored('lastLoginAt')}, ${stored('email')} collate "C")`,
      fact.arrays([...latest.values()], columns),
    );
  }

  @EventPattern(TOPICS.ssoInstances)
  async recordInstances(@Payload() batch: EventBatch<typeof TOPICS.ssoInstances>): Promise<void> {
    // One row per instance: its application, its earliest first login and earliest assignment
    // list (a state topic: later states only add logins and lists).
    const instances = new Map<string, InstanceFact>();
    const earliest = (a: Date | null, b: string | null | undefined) =>
      !b || (a && a.getTime() <= Date.parse(b)) ? a : new Date(b);
    for (const e of batch.events) {
      if (e.type !== 'sso.instance.changed') continue;
      const seen = instances.get(e.data.instanceId);
      instances.set(e.data.instanceId, {
        instanceId: e.data.instanceId,
        tenantId: e.tenantId,
        appKey: e.data.appKey,
        appName: e.data.appName,
        firstLoginAt: earliest(seen?.firstLoginAt ?? null, e.data.firstLoginAt),
        firstAssignmentListAt: earliest(seen?.firstAssignmentListAt ?? null, e.data.firstAssignmentListAt),
      });
    }
    if (!instances.size) return;
    const fact = tableOf(batch.em, InstanceFact);
    const columns = ['instanceId', 'tenantId', 'appKey', 'appName', 'firstLoginAt', 'firstAssignmentListAt'] as const;
    const [instanceId, tenantId, firstLoginAt] = [
      fact.column('instanceId'),
      fact.column('tenantId'),
      fact.column('firstLoginAt'),
    ];
    const list = fact.column('firstAssignmentListAt');
    // R14: an earlier first login turns the days from it on from "unknown" (null) to counted (0 or more).
    // Raw: an upsert that keeps the earliest instants and returns the first login it replaced, which em.upsertMany cannot.
    const moved = await query<{
      instance_id: string;
      tenant_id: string;
      first_login_at: number;
      before: number | null;
    }>(
      batch.em,
      `with incoming as (
         select * from unnest(${fact.arrayParameters(columns)}) as s(${fact.columns(columns)})),
       earlier as (
         select f.${instanceId}, f.${firstLoginAt} from ${fact.name} f join incoming using (${instanceId})),
       changed as (
         insert into ${fact.name} (${fact.columns(columns)}) select * from incoming
         on conflict (${instanceId}) do update set ${fact.excluded(['appKey', 'appName'])},
           ${firstLoginAt} = least(${fact.name}.${firstLoginAt}, excluded.${firstLoginAt}),
           ${list} = least(${fact.name}.${list}, excluded.${list})
         where ${fact.name}.${tenantId} = excluded.${tenantId}
         returning ${fact.columns(['instanceId', 'tenantId', 'firstLoginAt'])})
       select c.${instanceId} as instance_id, c.${tenantId} as tenant_id,
         (extract(epoch from c.${firstLoginAt}) * 1000)::float8 as first_login_at,
         (extract(epoch from e.${firstLoginAt}) * 1000)::float8 as before
       from changed c left join earlier e using (${instanceId})
       where c.${firstLoginAt} < coalesce(e.${firstLoginAt}, 'infinity')`,
      fact.arrays([...instances.values()], columns),
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
  const usage = tableOf(em, UsageFact);
  const connection = tableOf(em, ConnectionFact);
  const [connectionId, tenantId] = [usage.column('connectionId'), usage.column('tenantId')];
  // Raw: a delete joined to the connection, returning what it took.
  const foreign = await query(
    em,
    `delete from ${usage.name} u using ${connection.name} c
     where u.${connectionId} = any(?::uuid[]) and c.${connection.column('connectionId')} = u.${connectionId}
       and c.${connection.column('tenantId')} <> u.${tenantId}
     returning ${usage.columns(undefined, 'u')}`,
    [connectionIds],
  );
  await addToOutbox(
    em,
    foreign
      .map((r) => usage.row(r))
      .map((u) =>
        dlqEntry(TOPICS.connectorUsage, connectorEventKey(u.tenantId, u.connectionId), usageEvent(u), {
          code: 'TENANT_MISMATCH',
          message: `connection ${u.connectionId} belongs to another tenant`,
        }),
      ),
  );
}
