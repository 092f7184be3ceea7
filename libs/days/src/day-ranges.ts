// Sets of days as sorted ranges: how estimates, assignment lists and connector data are
// stored — never a row per user per day. Days are integers (see day.ts).
import { dayToIso, isoToDay } from './day';

/** Days `from` to `to`, both included; `to` null while open-ended. */
export interface DayRange {
  from: number;
  to: number | null;
}

const end = (r: DayRange) => (r.to === null ? Infinity : r.to);

/** Sorted, non-overlapping, non-adjacent ranges covering the same days. */
export function mergeRanges(ranges: DayRange[]): DayRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: DayRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= end(last) + 1) {
      if (end(r) > end(last)) last.to = r.to;
    } else {
      merged.push({ ...r });
    }
  }
  return merged;
}

/** The ranges restricted to days before `day` (exclusive). */
export function clipBefore(ranges: DayRange[], day: number): DayRange[] {
  return ranges.filter((r) => r.from < day).map((r) => ({ from: r.from, to: end(r) >= day ? day - 1 : r.to }));
}

/**
 * Sets membership over the `governed` days to `member`, keeping it elsewhere: how a list
 * (or snapshot) in force from its day until the next one's rewrites the days it governs.
 */
export function assignRange(ranges: DayRange[], governed: DayRange, member: boolean): DayRange[] {
  const kept: DayRange[] = [];
  for (const r of ranges) {
    if (end(r) < governed.from || r.from > end(governed)) {
      kept.push({ ...r });
      continue;
    }
    if (r.from < governed.from) kept.push({ from: r.from, to: governed.from - 1 });
    if (end(r) > end(governed)) kept.push({ from: end(governed) + 1, to: r.to });
  }
  if (member) kept.push({ ...governed });
  return mergeRanges(kept);
}

export const sameRanges = (a: DayRange[], b: DayRange[]) =>
  a.length === b.length && a.every((r, i) => r.from === b[i].from && r.to === b[i].to);

/**
 * Day ranges as PostgreSQL's `datemultirange` text (`{[2026-01-01,2026-05-01),[2026-06-01,)}`):
 * each range's last day becomes an exclusive upper bound, an open one an unbounded upper.
 * PostgreSQL merges overlapping and adjacent ranges itself.
 */
export function dateMultirangeOf(ranges: DayRange[]): string {
  return `{${ranges.map((r) => `[${dayToIso(r.from)},${r.to === null ? '' : dayToIso(r.to + 1)})`).join(',')}}`;
}

/** PostgreSQL's `datemultirange` text back into day ranges (as `dateMultirangeOf` writes them). */
export function dayRangesOf(multirange: string): DayRange[] {
  return [...multirange.matchAll(/\[(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})?\)/g)].map(([, from, until]) => ({
    from: isoToDay(from),
    to: until === undefined ? null : isoToDay(until) - 1,
  }));
}
