// A small model of R1, R2 and R8–R15, written apart from the services and as plainly as
// possible: every day is worked out from the whole history, user by user, with no ranges,
// no storage and no increments. The property test compares what the API serves with it.
import { dayOf } from '@org/days';

export interface ModelLogin {
  userId: string;
  at: number;
  method: 'sso' | 'social';
}

export interface ModelList {
  syncId: string;
  asOf: number;
  users: string[];
}

export interface ModelSnapshotUser {
  userId: string;
  tier: string | null;
  status: string;
}

export interface ModelSnapshot {
  syncId: string;
  asOf: number;
  users: ModelSnapshotUser[];
}

export type LifecycleOp = 'connect' | 'disconnect' | 'reconnect' | 'delete';

export interface ModelConnection {
  id: string;
  kind: 'provisioning' | 'engagement';
  supportsLicenseTiers: boolean;
  lifecycle: Array<{ op: LifecycleOp; at: number }>;
  snapshots: ModelSnapshot[];
  usage: Array<{ userId: string; day: number; events: number }>;
}

export interface ModelHistory {
  timeZone: string;
  windowDays: number;
  logins: ModelLogin[];
  lists: ModelList[];
  connections: ModelConnection[];
}

export interface ModelDay {
  source: 'connector' | 'sso_estimate';
  connectionId: string | null;
  provisionedUsers: number;
  tiers: Record<string, number> | null;
  activeUsers: number | null;
  staleDays: number | null;
  awaitingFirstSync: boolean;
}

const later = (a: { asOf: number; syncId: string }, b: { asOf: number; syncId: string }) =>
  a.asOf > b.asOf || (a.asOf === b.asOf && a.syncId > b.syncId);

function latest<T extends { asOf: number; syncId: string }>(items: T[]): T | undefined {
  let best: T | undefined;
  for (const item of items) if (!best || later(item, best)) best = item;
  return best;
}

/** R1 and R2: the users of the latest complete list on or before the day, else the non-social logins in the window. */
export function estimatedUsers(h: ModelHistory, day: number): Set<string> {
  const list = latest(h.lists.filter((l) => dayOf(l.asOf, h.timeZone) <= day));
  if (list) return new Set(list.users);
  return new Set(
    h.logins
      .filter((l) => l.method === 'sso')
      .filter((l) => {
        const d = dayOf(l.at, h.timeZone);
        return d <= day && d > day - h.windowDays;
      })
      .map((l) => l.userId),
  );
}

/** R11: connect and reconnect open a period, disconnect closes it. */
export function periodsOf(c: ModelConnection): Array<{ from: number; to: number | null }> {
  const periods: Array<{ from: number; to: number | null }> = [];
  for (const { op, at } of c.lifecycle) {
    if (op === 'connect' || op === 'reconnect') periods.push({ from: at, to: null });
    if (op === 'disconnect') periods[periods.length - 1].to = at;
  }
  return periods;
}

export function expectedDay(h: ModelHistory, day: number): ModelDay {
  const estimate = estimatedUsers(h, day);
  const ssoActive = new Set(
    h.logins.filter((l) => l.method === 'sso' && dayOf(l.at, h.timeZone) === day).map((l) => l.userId),
  ).size;
  // R14: null only before the instance's first login of any kind; 0 on a quiet day after it.
  const firstLoginDay = Math.min(...h.logins.map((l) => dayOf(l.at, h.timeZone)));
  const quiet = day >= firstLoginDay ? 0 : null;
  const estimateDay = (awaitingFirstSync: boolean, activeUsers: number | null): ModelDay => ({
    source: 'sso_estimate',
    connectionId: null,
    provisionedUsers: estimate.size,
    tiers: null,
    activeUsers,
    staleDays: null,
    awaitingFirstSync,
  });
  for (const c of h.connections) {
    if (c.lifecycle.some((l) => l.op === 'delete')) continue; // R12
    for (const p of periodsOf(c)) {
      // R8/R10: from the connect day to the day before the disconnect day.
      const inPeriod = dayOf(p.from, h.timeZone) <= day && (p.to === null || day < dayOf(p.to, h.timeZone));
      if (!inPeriod) continue;
      const usage = c.kind === 'engagement' ? c.usage.filter((u) => u.day === day) : [];
      const activeUsers = usage.length
        ? new Set(usage.filter((u) => u.events > 0).map((u) => u.userId)).size
        : ssoActive || quiet;
      const shown = latest(
        c.snapshots.filter(
          (s) => s.asOf >= p.from && (p.to === null || s.asOf < p.to) && dayOf(s.asOf, h.timeZone) <= day,
        ),
      );
      if (!shown) return estimateDay(true, activeUsers);
      const seated = shown.users.filter((u) => u.status === 'active'); // R13
      const tiers: Record<string, number> = {};
      for (const u of seated) if (u.tier !== null) tiers[u.tier] = (tiers[u.tier] ?? 0) + 1;
      return {
        source: 'connector',
        connectionId: c.id,
        provisionedUsers: seated.length,
        tiers: c.supportsLicenseTiers ? tiers : null,
        activeUsers,
        staleDays: day - dayOf(shown.asOf, h.timeZone),
        awaitingFirstSync: false,
      };
    }
  }
  return estimateDay(false, ssoActive || quiet);
}
