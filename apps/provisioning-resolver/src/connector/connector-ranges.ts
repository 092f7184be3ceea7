/**
 * One span of `connector_user_range` in memory: `f` ≤ instant < `t` (epoch ms, `t` null while
 * open), the user's email, tier and status in every snapshot taken then.
 */
export interface ConnectorRange {
  f: number;
  t: number | null;
  e: string;
  r: string | null;
  s: string;
}

export type SnapshotEntry = Pick<ConnectorRange, 'e' | 'r' | 's'>;

const sameEntry = (a: SnapshotEntry, b: SnapshotEntry) => a.e === b.e && a.r === b.r && a.s === b.s;

/**
 * A user's ranges once a snapshot taken at `from` says `entry` (undefined: not in it), in
 * force until the next snapshot at `to` (null: none later). Adjacent equal ranges merge, so
 * a user unchanged across snapshots stays one range.
 */
export function placeSnapshotEntry(
  ranges: ConnectorRange[],
  from: number,
  to: number | null,
  entry: SnapshotEntry | undefined,
): ConnectorRange[] {
  const kept: ConnectorRange[] = [];
  for (const r of ranges) {
    const endsBefore = r.t !== null && r.t <= from;
    const startsAfter = to !== null && r.f >= to;
    if (endsBefore || startsAfter) {
      kept.push(r);
      continue;
    }
    if (r.f < from) kept.push({ ...r, t: from });
    if (to !== null && (r.t === null || r.t > to)) kept.push({ ...r, f: to });
  }
  if (entry) kept.push({ f: from, t: to, e: entry.e, r: entry.r, s: entry.s });
  kept.sort((a, b) => a.f - b.f);
  const merged: ConnectorRange[] = [];
  for (const r of kept) {
    const last = merged[merged.length - 1];
    if (last && last.t === r.f && sameEntry(last, r)) last.t = r.t;
    else merged.push({ ...r });
  }
  return merged;
}

export const sameRanges = (a: ConnectorRange[], b: ConnectorRange[]) =>
  a.length === b.length && a.every((r, i) => r.f === b[i].f && r.t === b[i].t && sameEntry(r, b[i]));
