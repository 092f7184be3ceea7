import type { ConnectionKind } from '@org/contracts';
import { dayOf } from '@org/days';
import type { ViewDay } from './view-day.entity';

export type { ConnectionKind, ViewDay };

// R8–R14 in one place: what the view shows on each day of an instance, computed from the
// facts alone (R15) — never from the order in which they arrived.

/** A snapshot whose content is stored: its instant (epoch ms) and the seats it showed (R13). */
export interface SnapshotSeats {
  at: number;
  activeUsers: number;
  tiers: Record<string, number>;
}

export interface ConnectionFacts {
  connectionId: string;
  kind: ConnectionKind;
  supportsLicenseTiers: boolean;
  /** Connected periods, epoch ms; `to` (the disconnect) null while connected. */
  periods: Array<{ from: number; to: number | null }>;
  /** Snapshots whose content is stored, ascending by instant. */
  snapshots: SnapshotSeats[];
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
  /** The day of the instance's first login of any kind; null while it has none. */
  firstLoginDay: number | null;
}

interface Governed {
  connection: ConnectionFacts;
  snapshot: SnapshotSeats | null;
}

/** The days `from`..`to` (inclusive) of the view. */
export function viewDays(facts: InstanceFacts, from: number, to: number): ViewDay[] {
  const count = to - from + 1;
  if (count <= 0) return [];
  const governed = governedDays(facts.connections, facts.timeZone, from, to);
  const estimated = estimatedPerDay(facts.estimateChanges, from, count);
  const days: ViewDay[] = [];
  for (let i = 0; i < count; i++) {
    const day = from + i;
    const g = governed[i];
    const usage = g?.connection.kind === 'engagement' ? g.connection.usage.get(day) : undefined;
    // R14: nothing is known before the first login of any kind; from then on no activity is 0.
    const known = facts.firstLoginDay !== null && day >= facts.firstLoginDay;
    const activeUsers = usage ?? facts.ssoActivity.get(day) ?? (known ? 0 : null);
    if (!g || g.snapshot === null) {
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
    days.push({
      day,
      source: 'connector',
      connectionId: g.connection.connectionId,
      connectionKind: g.connection.kind,
      provisionedUsers: g.snapshot.activeUsers,
      tiers: g.connection.supportsLicenseTiers ? g.snapshot.tiers : null,
      activeUsers,
      staleDays: day - dayOf(g.snapshot.at, facts.timeZone),
      awaitingFirstSync: false,
      snapshotAt: g.snapshot.at,
    });
  }
  return days;
}

/**
 * R8/R10/R11: a period covers the days from its connect day to the day before its
 * disconnect day; on each, the latest snapshot taken within the period on or before it.
 * Days outside every period are left undefined.
 */
function governedDays(
  connections: ConnectionFacts[],
  timeZone: string,
  from: number,
  to: number,
): Array<Governed | undefined> {
  const governed: Array<Governed | undefined> = new Array(to - from + 1);
  for (const connection of connections) {
    for (const period of connection.periods) {
      const first = Math.max(from, dayOf(period.from, timeZone));
      const last = Math.min(to, period.to === null ? Infinity : dayOf(period.to, timeZone) - 1);
      if (first > last) continue;
      const inPeriod = connection.snapshots.filter(
        (s) => s.at >= period.from && (period.to === null || s.at < period.to),
      );
      let next = 0;
      let snapshot: SnapshotSeats | null = null;
      for (let day = dayOf(period.from, timeZone); day <= last; day++) {
        while (next < inPeriod.length && dayOf(inPeriod[next].at, timeZone) <= day) snapshot = inPeriod[next++];
        if (day >= first) governed[day - from] = { connection, snapshot };
      }
    }
  }
  return governed;
}

/** Whether any of the days shows the SSO estimate: when none does, the estimate need not be read. */
export function showsEstimate(connections: ConnectionFacts[], timeZone: string, from: number, to: number): boolean {
  const governed = governedDays(connections, timeZone, from, to);
  for (let i = 0; i < governed.length; i++) if (!governed[i]?.snapshot) return true;
  return false;
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
