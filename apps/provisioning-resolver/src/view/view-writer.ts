import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceKey, newEvent, TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { inSpan } from '@org/tracing';
import { dayOf, dayToIso, mergeRanges } from '@org/days';
import { addToOutbox, type OutgoingEvent } from '@org/kafka';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { viewDays } from './view-days';
import { shownDay, type ViewDay, ViewDayRow } from './view-day.entity';
import { ViewState } from './view-state.entity';

// The only writer of view days (R8–R15) and of the day bounds and generations of view_state.
// Fact handlers record their facts and hand the days those facts touch to `refreshViews`,
// which recomputes them in the same transaction; the rebuild loop and the daily extension
// call the functions below too. Nothing else inserts, updates or deletes a view day.

/** Days of one instance a new fact may change; `to` null: every day from `from` on. */
export interface TouchedDays {
  instanceId: string;
  tenantId: string;
  from: number;
  to: number | null;
}

export type RebuildReason = 'connection_deleted' | 'time_zone_changed';

/** What readers are told of an instance's rebuild (SPEC §5): idle, or rebuilding with progress. */
export function rebuildOf(
  state: Pick<ViewState, 'generation' | 'rebuildGeneration' | 'rebuildProgress'> | null | undefined,
) {
  if (!state || state.rebuildGeneration === null) {
    return { status: 'idle' as const, progress: 1, generation: state?.generation ?? 1 };
  }
  return { status: 'rebuilding' as const, progress: state.rebuildProgress, generation: state.generation };
}

/** Locks the instance's view state, creating it (generation 1, no day yet) the first time. */
export async function lockViewState(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  day: number,
): Promise<ViewState> {
  await em
    .createQueryBuilder(ViewState)
    .insert({ instanceId, tenantId, firstDay: day, lastDay: day - 1 })
    .onConflict('instanceId')
    .ignore()
    .execute();
  return (await em.findOne(
    ViewState,
    { instanceId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  ))!;
}

/**
 * Recomputes the days the facts just written touch, inside the caller's transaction: the
 * view is materialised from today back to the instance's first fact, contiguous, and only
 * the touched days (plus any day it grows by) are computed again — in the generation readers
 * see and, behind its cursor, in the one a rebuild is building. Instances are locked in id
 * order, so two consumers touching the same instances queue instead of deadlocking, and the
 * later one computes with the earlier one's facts.
 */
export async function refreshViews(em: EntityManager, touched: TouchedDays[]): Promise<void> {
  const byInstance = new Map<string, TouchedDays>();
  for (const t of touched) {
    if (!Number.isFinite(t.from)) continue;
    const seen = byInstance.get(t.instanceId);
    if (!seen) byInstance.set(t.instanceId, { ...t });
    else {
      seen.from = Math.min(seen.from, t.from);
      seen.to = seen.to === null || t.to === null ? null : Math.max(seen.to, t.to);
    }
  }
  const events: OutgoingEvent[] = [];
  const zones = new Map<string, string>();
  for (const id of [...byInstance.keys()].sort()) {
    const t = byInstance.get(id)!;
    const state = await lockViewState(em, t.instanceId, t.tenantId, t.from);
    if (state.tenantId !== t.tenantId) continue; // a fact naming another tenant's instance never reaches its view
    if (!zones.has(t.tenantId)) zones.set(t.tenantId, await timeZoneOf(em, t.tenantId));
    const timeZone = zones.get(t.tenantId)!;
    const today = dayOf(Date.now(), timeZone);
    const first = state.firstDay;
    const last = state.lastDay;
    const newFirst = Math.min(first, t.from);
    const newLast = Math.max(last, today);
    const parts = mergeRanges(
      [
        { from: newFirst, to: first - 1 },
        { from: t.from, to: Math.min(t.to ?? newLast, newLast) },
        { from: Math.max(last + 1, newFirst), to: newLast },
      ].filter((p) => p.from <= p.to),
    ) as Array<{ from: number; to: number }>;
    if (!parts.length) continue;
    await em.nativeUpdate(ViewState, { instanceId: t.instanceId }, { firstDay: newFirst, lastDay: newLast });
    await recompute(em, state, timeZone, 'serving', state.generation, parts);
    if (state.rebuildGeneration !== null) {
      const cursor = state.rebuildCursor!;
      const built = parts.map((p) => ({ from: p.from, to: Math.min(p.to, cursor - 1) })).filter((p) => p.from <= p.to);
      await recompute(em, state, timeZone, 'rebuilt', state.rebuildGeneration, built);
    }
    for (const p of parts) events.push(daysChanged(state, p.from, p.to));
  }
  await addToOutbox(em, events);
}

/**
 * R12: starts building the next generation of an instance's view (inside the caller's
 * transaction). A rebuild already under way starts over in a newer generation, so it also
 * leaves out whatever made this one necessary.
 */
export async function startRebuild(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  reason: RebuildReason,
  connectionId: string | null,
): Promise<void> {
  const today = dayOf(Date.now(), await timeZoneOf(em, tenantId));
  const state = await lockViewState(em, instanceId, tenantId, today);
  if (state.tenantId !== tenantId) return;
  if (state.rebuildGeneration !== null) {
    await em.nativeDelete(ViewDayRow, { instanceId, generation: state.rebuildGeneration });
  }
  const generation = Math.max(state.generation, state.rebuildGeneration ?? 0) + 1;
  await em.nativeUpdate(
    ViewState,
    { instanceId },
    {
      rebuildGeneration: generation,
      rebuildCursor: state.firstDay,
      rebuildProgress: 0,
      rebuildReason: reason,
      rebuildConnectionId: connectionId,
    },
  );
  await addToOutbox(em, [
    rebuildEvent(
      'view.rebuild.started',
      { ...state, rebuildReason: reason, rebuildConnectionId: connectionId },
      generation,
      0,
    ),
  ]);
}

/** The next rebuilding instance no other resolver is working on, locked; null when none. */
export function nextRebuild(em: EntityManager): Promise<ViewState | null> {
  return em.findOne(
    ViewState,
    { rebuildGeneration: { $ne: null } },
    { orderBy: { instanceId: 'asc' }, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, disableIdentityMap: true },
  );
}

/**
 * One step of a rebuild: up to `stepDays` days from its cursor, computed without deleted
 * connections. Returns the new cursor.
 */
export async function buildRebuildStep(em: EntityManager, state: ViewState, stepDays: number): Promise<number> {
  const generation = state.rebuildGeneration!;
  const cursor = state.rebuildCursor!;
  const to = Math.min(state.lastDay, cursor + stepDays - 1);
  const facts = await loadInstanceFacts(
    em,
    { instanceId: state.instanceId, tenantId: state.tenantId, generation: 'rebuilt' },
    cursor,
    to,
  );
  await writeViewDays(em, state.instanceId, generation, viewDays(facts, cursor, to));
  const progress = Math.min(1, (to + 1 - state.firstDay) / (state.lastDay + 1 - state.firstDay));
  await em.nativeUpdate(
    ViewState,
    { instanceId: state.instanceId },
    { rebuildCursor: to + 1, rebuildProgress: progress },
  );
  await addToOutbox(em, [rebuildEvent('view.rebuild.progressed', state, generation, progress)]);
  return to + 1;
}

/** The end of a rebuild: readers switch to the new generation, the old one goes, in one transaction. */
export async function finishRebuild(em: EntityManager, state: ViewState): Promise<void> {
  await em.nativeDelete(ViewDayRow, { instanceId: state.instanceId, generation: state.generation });
  await em.nativeUpdate(
    ViewState,
    { instanceId: state.instanceId },
    {
      generation: state.rebuildGeneration!,
      rebuildGeneration: null,
      rebuildCursor: null,
      rebuildProgress: 0,
      rebuildReason: null,
      rebuildConnectionId: null,
    },
  );
  await addToOutbox(em, [rebuildEvent('view.rebuild.finished', state, state.rebuildGeneration!, 1)]);
}

async function recompute(
  em: EntityManager,
  state: ViewState,
  timeZone: string,
  generation: 'serving' | 'rebuilt',
  number: number,
  parts: Array<{ from: number; to: number }>,
): Promise<void> {
  if (!parts.length) return;
  const from = Math.min(...parts.map((p) => p.from));
  const to = Math.max(...parts.map((p) => p.to));
  const facts = await loadInstanceFacts(
    em,
    { instanceId: state.instanceId, tenantId: state.tenantId, generation, timeZone },
    from,
    to,
  );
  for (const p of parts) await writeViewDays(em, state.instanceId, number, viewDays(facts, p.from, p.to));
}

/** Upserts days of one generation in one statement. */
async function writeViewDays(
  em: EntityManager,
  instanceId: string,
  generation: number,
  days: ViewDay[],
): Promise<void> {
  if (!days.length) return;
  const table = tableOf(em, ViewDayRow);
  const rows = days.map((d) => ({ ...d, instanceId, generation, shown: JSON.stringify(shownDay(d)) }));
  const key = ['instanceId', 'generation', 'day'] as const;
  const values = table.properties.filter((p) => !(key as readonly string[]).includes(p));
  // A span of its own: the end of a change's trace, from the API call to the days it changed.
  await inSpan(
    'view write',
    { attributes: { 'instance.id': instanceId, 'view.generation': generation, 'view.days': days.length } },
    () =>
      // Raw: one `unnest` upsert for a whole range of days (npm run bench -- rebuild, snapshot).
      query(
        em,
        `${table.bulkInsert(table.properties)}
         on conflict (${table.columns(key)}) do update set ${table.excluded(values)}`,
        table.arrays(rows, table.properties),
      ),
  );
}

function daysChanged(state: ViewState, from: number, to: number): OutgoingEvent {
  return {
    topic: TOPICS.resolverViews,
    key: instanceKey(state.tenantId, state.instanceId),
    value: newEvent('view.days.changed', state.tenantId, {
      instanceId: state.instanceId,
      from: dayToIso(from),
      to: dayToIso(to),
      generation: state.generation,
    }),
  };
}

function rebuildEvent(
  type: 'view.rebuild.started' | 'view.rebuild.progressed' | 'view.rebuild.finished',
  state: Pick<ViewState, 'instanceId' | 'tenantId' | 'rebuildReason' | 'rebuildConnectionId'>,
  generation: number,
  progress: number,
) {
  return {
    topic: TOPICS.resolverViews,
    key: instanceKey(state.tenantId, state.instanceId),
    value: newEvent(type, state.tenantId, {
      instanceId: state.instanceId,
      connectionId: state.rebuildConnectionId,
      reason: state.rebuildReason as RebuildReason,
      generation,
      progress,
    }),
  };
}
