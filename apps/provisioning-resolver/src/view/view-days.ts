import { dayOf } from '@org/days';

// R8–R14 in one place: what the view shows on each day of an instance, computed from the
// facts alone (R15) — never from the order in which they arrived.

export type ConnectionKind = 'provisioning' | 'engagement';

/** A change in the number of active users holding `tier` at an instant (epoch ms). */
export interface SeatChange {
  at: number;
  tier: string | null;
  delta: number;
}

export interface ConnectionFacts {
  connectionId: string;
  kind: ConnectionKind;
  supportsLicenseTiers: boolean;
  /** Connected periods, epoch ms; `to` (the disconnect) null while connected. */
  periods: Array<{ from: number; to: number | null }>;
  /** Instants of the snapshots whose content is stored, ascending. */
  snapshots: number[];
  /** Active-user ranges as +1 at their start and −1 at their end, ascending by `at`. */
  seatChanges: SeatChange[];
  /** Engagement usage: users with events, per day. */
  usage: Map<number, number>;
}

export interface InstanceFacts {
  timeZone: string;
  connections: ConnectionFacts[];
  /** Estimated users as +1 on a user's first day and −1 after the last, ascending by day. */
  estimateChanges: Array<{ day: number; delta: number }>;
  /** Users with a non-social SSO login, per day. */
  ssoActivity: Map<number, number>;
}

export interface ViewDay {
  day: number;
  source: 'connector' | 'sso_estimate';
  connectionId: string | null;
  connectionKind: ConnectionKind | null;
  provisionedUsers: number;
  tiers: Record<string, number> | null;
  activeUsers: number | null;
  staleDays: number | null;
  awaitingFirstSync: boolean;
  /** The snapshot shown, to list its users; null on estimate days. */
  snapshotAt: number | null;
}

interface Governed {
  connection: ConnectionFacts;
  snapshotAt: number | null;
}

/** The days `from`..`to` (inclusive) of the view. */
export function viewDays(facts: InstanceFacts, from: number, to: number): ViewDay[] {
  const count = to - from + 1;
  if (count <= 0) return [];
  const governed: Array<Governed | undefined> = new Array(count);
  for (const connection of facts.connections) placeConnection(connection, facts.timeZone, from, to, governed);

  const seats = seatsAtSnapshots(governed);
  const estimated = estimatedPerDay(facts.estimateChanges, from, count);
  const days: ViewDay[] = [];
  for (let i = 0; i < count; i++) {
    const day = from + i;
    const g = governed[i];
    const usage = g?.connection.kind === 'engagement' ? g.connection.usage.get(day) : undefined;
    const activeUsers = usage ?? facts.ssoActivity.get(day) ?? null;
    if (!g || g.snapshotAt === null) {
      // R1/R9/R10 outside connected periods; R8 "awaiting the first sync" inside one.
      days.push({
        day,
        source: 'sso_estimate',
        connectionId: null,
        connectionKind: null,
        provisionedUsers: estimated[i],
        tiers: null,
        activeUsers,
        staleDays: null,
        awaitingFirstSync: g !== undefined,
        snapshotAt: null,
      });
      continue;
    }
    const held = seats.get(g.connection)!.get(g.snapshotAt)!;
    days.push({
      day,
      source: 'connector',
      connectionId: g.connection.connectionId,
      connectionKind: g.connection.kind,
      provisionedUsers: held.total,
      tiers: g.connection.supportsLicenseTiers ? held.tiers : null,
      activeUsers,
      staleDays: day - dayOf(g.snapshotAt, facts.timeZone),
      awaitingFirstSync: false,
      snapshotAt: g.snapshotAt,
    });
  }
  return days;
}

/**
 * R8/R10/R11: a period covers the days from its connect day to the day before its
 * disconnect day; on each, the latest snapshot taken within the period on or before it.
 */
function placeConnection(
  connection: ConnectionFacts,
  timeZone: string,
  from: number,
  to: number,
  governed: Array<Governed | undefined>,
): void {
  for (const period of connection.periods) {
    const first = Math.max(from, dayOf(period.from, timeZone));
    const last = Math.min(to, period.to === null ? Infinity : dayOf(period.to, timeZone) - 1);
    if (first > last) continue;
    const inPeriod = connection.snapshots.filter((at) => at >= period.from && (period.to === null || at < period.to));
    let next = 0;
    let snapshotAt: number | null = null;
    for (let day = dayOf(period.from, timeZone); day <= last; day++) {
      while (next < inPeriod.length && dayOf(inPeriod[next], timeZone) <= day) snapshotAt = inPeriod[next++];
      if (day >= first) governed[day - from] = { connection, snapshotAt };
    }
  }
}

interface Seats {
  total: number;
  tiers: Record<string, number>;
}

/** Active users per tier at every snapshot instant shown, by one pass over each connection's seat changes. */
function seatsAtSnapshots(governed: Array<Governed | undefined>): Map<ConnectionFacts, Map<number, Seats>> {
  const wanted = new Map<ConnectionFacts, Set<number>>();
  for (const g of governed) {
    if (!g || g.snapshotAt === null) continue;
    if (!wanted.has(g.connection)) wanted.set(g.connection, new Set());
    wanted.get(g.connection)!.add(g.snapshotAt);
  }
  const result = new Map<ConnectionFacts, Map<number, Seats>>();
  for (const [connection, instants] of wanted) {
    const perInstant = new Map<number, Seats>();
    const byTier = new Map<string | null, number>();
    const changes = connection.seatChanges;
    let next = 0;
    for (const at of [...instants].sort((a, b) => a - b)) {
      for (; next < changes.length && changes[next].at <= at; next++) {
        byTier.set(changes[next].tier, (byTier.get(changes[next].tier) ?? 0) + changes[next].delta);
      }
      const tiers: Record<string, number> = {};
      let total = 0;
      for (const [tier, n] of byTier) {
        if (n <= 0) continue;
        total += n;
        if (tier !== null) tiers[tier] = n;
      }
      perInstant.set(at, { total, tiers });
    }
    result.set(connection, perInstant);
  }
  return result;
}

function estimatedPerDay(changes: InstanceFacts['estimateChanges'], from: number, count: number): number[] {
  const perDay = new Array<number>(count).fill(0);
  let running = 0;
  let next = 0;
  for (let i = 0; i < count; i++) {
    for (; next < changes.length && changes[next].day <= from + i; next++) running += changes[next].delta;
    perDay[i] = running;
  }
  return perDay;
}
