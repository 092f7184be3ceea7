import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { isoToDay } from '@org/days';
import type { ConnectorRange } from '../connector/connector-user.entity';
import type { ViewDay } from './view-days';

export interface AccuracyDay {
  day: number;
  /** Of the estimated users, the share the connector has (null: nobody estimated). */
  precision: number;
  /** Of the connector's users, the share the estimate found (null: the connector has nobody). */
  recall: number | null;
  onlyInEstimate: number;
  onlyInConnector: number;
}

/** Users are matched by e-mail, case-insensitively: an app's user ids are not the SSO platform's. */
const personOf = (email: string) => email.toLowerCase();

interface Person {
  /** Index ranges [lo, hi) into the connector days, per source. */
  estimate: Array<[number, number]>;
  connector: Array<[number, number]>;
}

/**
 * How close the SSO estimate came to what the connector saw, on every connector day that
 * also has an estimate. Per person, the days of each source become ranges of day indexes,
 * so the cost grows with users × ranges, not users × days.
 */
export async function estimateAccuracy(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  viewDays: ViewDay[],
): Promise<AccuracyDay[]> {
  const days = viewDays.filter((d) => d.source === 'connector');
  if (!days.length) return [];
  const people = new Map<string, Person>();
  const personNamed = (email: string) => {
    const key = personOf(email);
    let p = people.get(key);
    if (!p) people.set(key, (p = { estimate: [], connector: [] }));
    return p;
  };
  const dayNumbers = days.map((d) => d.day);

  const estimates = await query<{ email: string; intervals: Array<{ from: string; to: string | null }> }>(
    em,
    `select email, intervals from estimate_fact where instance_id = ? and tenant_id = ?`,
    [instanceId, tenantId],
  );
  for (const e of estimates) {
    for (const i of e.intervals) {
      const lo = firstIndexAtLeast(dayNumbers, isoToDay(i.from));
      const hi = i.to === null ? days.length : firstIndexAtLeast(dayNumbers, isoToDay(i.to) + 1);
      if (lo < hi) personNamed(e.email).estimate.push([lo, hi]);
    }
  }

  // Days of one connection show its snapshots in time order: a range [f, t) covers a run of them.
  const connections = [...new Set(days.map((d) => d.connectionId!))];
  for (const connectionId of connections) {
    const indexes = days.flatMap((d, i) => (d.connectionId === connectionId ? [i] : []));
    const instants = indexes.map((i) => days[i].snapshotAt!);
    const users = await query<{ ranges: ConnectorRange[] }>(
      em,
      `select ranges from connector_user where connection_id = ? and tenant_id = ?`,
      [connectionId, tenantId],
    );
    for (const { ranges } of users) {
      for (const r of ranges) {
        if (r.s !== 'active') continue;
        const lo = firstIndexAtLeast(instants, r.f);
        const hi = r.t === null ? instants.length : firstIndexAtLeast(instants, r.t);
        // Indexes of one connection are contiguous runs within `days`: split per run.
        for (let k = lo; k < hi; ) {
          let end = k + 1;
          while (end < hi && indexes[end] === indexes[end - 1] + 1) end++;
          personNamed(r.e).connector.push([indexes[k], indexes[end - 1] + 1]);
          k = end;
        }
      }
    }
  }

  const estimated = new Array<number>(days.length + 1).fill(0);
  const provisioned = new Array<number>(days.length + 1).fill(0);
  const both = new Array<number>(days.length + 1).fill(0);
  for (const p of people.values()) {
    const e = union(p.estimate);
    const c = union(p.connector);
    mark(estimated, e);
    mark(provisioned, c);
    mark(both, intersect(e, c));
  }
  const result: AccuracyDay[] = [];
  let e = 0;
  let c = 0;
  let b = 0;
  for (let i = 0; i < days.length; i++) {
    e += estimated[i];
    c += provisioned[i];
    b += both[i];
    if (e === 0) continue;
    result.push({
      day: days[i].day,
      precision: b / e,
      recall: c === 0 ? null : b / c,
      onlyInEstimate: e - b,
      onlyInConnector: c - b,
    });
  }
  return result;
}

/** +1 where each range starts, −1 after it ends: a running sum then counts per index. */
function mark(counts: number[], ranges: Array<[number, number]>): void {
  for (const [lo, hi] of ranges) {
    counts[lo]++;
    counts[hi]--;
  }
}

function firstIndexAtLeast(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function union(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersect(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo < hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}
