import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceKey, newEvent, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { dayOf, dayToIso, isoToDay, mergeRanges } from '@org/days';
import { addToOutbox, type OutgoingEvent } from '@org/kafka';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { type ViewDay, viewDays } from './view-days';

/** Days of one instance a new fact may change; `to` null: every day from `from` on. */
export interface TouchedDays {
  instanceId: string;
  tenantId: string;
  from: number;
  to: number | null;
}

export interface ViewStateRow {
  instance_id: string;
  tenant_id: string;
  generation: number;
  first_day: string;
  last_day: string;
  rebuild_generation: number | null;
  rebuild_cursor: string | null;
  rebuild_progress: number;
  rebuild_reason: string | null;
  rebuild_connection_id: string | null;
}

/** The columns of a ViewStateRow, days as text. */
export const VIEW_STATE_COLUMNS = `instance_id, tenant_id, generation, first_day::text, last_day::text, rebuild_generation,
  rebuild_cursor::text, rebuild_progress, rebuild_reason, rebuild_connection_id`;

/** What readers are told of an instance's rebuild (SPEC §5): idle, or rebuilding with progress. */
export function rebuildOf(
  state: Pick<ViewStateRow, 'generation' | 'rebuild_generation' | 'rebuild_progress'> | undefined,
) {
  if (!state || state.rebuild_generation === null) {
    return { status: 'idle' as const, progress: 1, generation: state?.generation ?? 1 };
  }
  return { status: 'rebuilding' as const, progress: state.rebuild_progress, generation: state.generation };
}

/** Locks the instance's view state, creating it (generation 1, no day yet) the first time. */
export async function lockViewState(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  day: number,
): Promise<ViewStateRow> {
  await query(
    em,
    `insert into view_state (instance_id, tenant_id, first_day, last_day) values (?, ?, ?::date, ?::date - 1)
     on conflict (instance_id) do nothing`,
    [instanceId, tenantId, dayToIso(day), dayToIso(day)],
  );
  const [state] = await query<ViewStateRow>(
    em,
    `select ${VIEW_STATE_COLUMNS} from view_state where instance_id = ? for update`,
    [instanceId],
  );
  return state;
}

/**
 * Recomputes the days the facts just written touch, inside the caller's transaction: the
 * view is materialised from today back to the instance's first fact, contiguous, and only
 * the touched days (plus any day it grows by) are computed again. Instances are locked in
 * id order, so two consumers touching the same instances queue instead of deadlocking, and
 * the later one computes with the earlier one's facts.
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
    if (state.tenant_id !== t.tenantId) continue; // a fact naming another tenant's instance never reaches its view
    if (!zones.has(t.tenantId)) zones.set(t.tenantId, await timeZoneOf(em, t.tenantId));
    const timeZone = zones.get(t.tenantId)!;
    const today = dayOf(Date.now(), timeZone);
    const first = isoToDay(state.first_day);
    const last = isoToDay(state.last_day);
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
    await query(em, `update view_state set first_day = ?::date, last_day = ?::date where instance_id = ?`, [
      dayToIso(newFirst),
      dayToIso(newLast),
      t.instanceId,
    ]);
    await recompute(em, state, timeZone, 'serving', state.generation, parts);
    if (state.rebuild_generation !== null) {
      // Days the rebuild has passed are kept up to date in its generation too.
      const cursor = isoToDay(state.rebuild_cursor!);
      const built = parts.map((p) => ({ from: p.from, to: Math.min(p.to, cursor - 1) })).filter((p) => p.from <= p.to);
      await recompute(em, state, timeZone, 'rebuilt', state.rebuild_generation, built);
    }
    for (const p of parts) events.push(daysChanged(state, p.from, p.to));
  }
  await addToOutbox(em, events);
}

async function recompute(
  em: EntityManager,
  state: ViewStateRow,
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
    { instanceId: state.instance_id, tenantId: state.tenant_id, generation, timeZone },
    from,
    to,
  );
  for (const p of parts) await writeViewDays(em, state.instance_id, number, viewDays(facts, p.from, p.to));
}

/** Upserts days of one generation in one statement. */
export async function writeViewDays(
  em: EntityManager,
  instanceId: string,
  generation: number,
  days: ViewDay[],
): Promise<void> {
  if (!days.length) return;
  await query(
    em,
    `insert into view_day (instance_id, generation, day, source, connection_id, connection_kind, provisioned_users,
                           tiers, active_users, stale_days, awaiting_first_sync, snapshot_at)
     select ?, ?, * from unnest(?::date[], ?::text[], ?::uuid[], ?::text[], ?::int[], ?::jsonb[], ?::int[], ?::int[],
                                ?::boolean[], ?::bigint[])
     on conflict (instance_id, generation, day) do update set
       source = excluded.source, connection_id = excluded.connection_id, connection_kind = excluded.connection_kind,
       provisioned_users = excluded.provisioned_users, tiers = excluded.tiers, active_users = excluded.active_users,
       stale_days = excluded.stale_days, awaiting_first_sync = excluded.awaiting_first_sync,
       snapshot_at = excluded.snapshot_at`,
    [
      instanceId,
      generation,
      days.map((d) => dayToIso(d.day)),
      days.map((d) => d.source),
      days.map((d) => d.connectionId),
      days.map((d) => d.connectionKind),
      days.map((d) => d.provisionedUsers),
      days.map((d) => (d.tiers === null ? null : JSON.stringify(d.tiers))),
      days.map((d) => d.activeUsers),
      days.map((d) => d.staleDays),
      days.map((d) => d.awaitingFirstSync),
      days.map((d) => d.snapshotAt),
    ],
  );
}

function daysChanged(state: ViewStateRow, from: number, to: number): OutgoingEvent {
  return {
    topic: TOPICS.resolverViews,
    key: instanceKey(state.tenant_id, state.instance_id),
    value: newEvent('view.days.changed', state.tenant_id, {
      instanceId: state.instance_id,
      from: dayToIso(from),
      to: dayToIso(to),
      generation: state.generation,
    }),
  };
}
