import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { isoToDay, mergeRanges } from '@org/days';
import type { ConnectorRange } from '../connector/connector-ranges';
import { boundColumns, ConnectorUserRange, entryColumns } from '../connector/connector-user-range.entity';
import { EstimateFact } from '../fact/estimate-fact.entity';
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

/** Ranges of indexes into the connector days (both ends included), per source. */
interface Person {
  estimate: IndexRange[];
  connector: IndexRange[];
}

type IndexRange = { from: number; to: number };

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

  // Each estimated range [from, until) of each user, until null while open. Raw, like the spans
  // below: the ranges of a range column, which the ORM reads only as text.
  const fact = tableOf(em, EstimateFact);
  const estimates = await query<{ email: string; from: string; until: string | null }>(
    em,
    `select e.${fact.column('email')} as email, lower(r)::text as "from", upper(r)::text as until
     from ${fact.name} e cross join lateral unnest(e.${fact.column('days')}) r
     where e.${fact.column('instanceId')} = ? and e.${fact.column('tenantId')} = ?`,
    [instanceId, tenantId],
  );
  for (const e of estimates) {
    const lo = firstIndexAtLeast(dayNumbers, isoToDay(e.from));
    const hi = e.until === null ? days.length : firstIndexAtLeast(dayNumbers, isoToDay(e.until));
    if (lo < hi) personNamed(e.email).estimate.push({ from: lo, to: hi - 1 });
  }

  // Days of one connection show its snapshots in time order: a range [f, t) covers a run of them.
  const connections = [...new Set(days.map((d) => d.connectionId!))];
  const span = tableOf(em, ConnectorUserRange);
  for (const connectionId of connections) {
    const indexes = days.flatMap((d, i) => (d.connectionId === connectionId ? [i] : []));
    const instants = indexes.map((i) => days[i].snapshotAt!);
    const ranges = await query<ConnectorRange>(
      em,
      `select ${boundColumns(span)}, ${entryColumns(span)} from ${span.name}
       where ${span.column('connectionId')} = ? and ${span.column('tenantId')} = ? and ${span.column('status')} = 'active'`,
      [connectionId, tenantId],
    );
    for (const r of ranges) {
      const lo = firstIndexAtLeast(instants, r.f);
      const hi = r.t === null ? instants.length : firstIndexAtLeast(instants, r.t);
      // Indexes of one connection are contiguous runs within `days`: split per run.
      for (let k = lo; k < hi;) {
        let end = k + 1;
        while (end < hi && indexes[end] === indexes[end - 1] + 1) end++;
        personNamed(r.e).connector.push({ from: indexes[k], to: indexes[end - 1] });
        k = end;
      }
    }
  }

  const estimated = new Array<number>(days.length + 1).fill(0);
  const provisioned = new Array<number>(days.length + 1).fill(0);
  const both = new Array<number>(days.length + 1).fill(0);
  for (const p of people.values()) {
    const e = mergeRanges(p.estimate) as IndexRange[];
    const c = mergeRanges(p.connector) as IndexRange[];
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
function mark(counts: number[], ranges: IndexRange[]): void {
  for (const r of ranges) {
    counts[r.from]++;
    counts[r.to + 1]--;
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

function intersect(a: IndexRange[], b: IndexRange[]): IndexRange[] {
  const out: IndexRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i].from, b[j].from);
    const to = Math.min(a[i].to, b[j].to);
    if (from <= to) out.push({ from, to });
    if (a[i].to < b[j].to) i++;
    else j++;
  }
  return out;
}
