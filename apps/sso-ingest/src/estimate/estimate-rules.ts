// R1 and R2, as pure functions over days (integers, see day.ts).
//
// R1. The SSO estimate of an instance on day D is the list of users assigned to it in the
// latest complete assignment list dated on or before D, where the platform has sent one;
// otherwise the users with at least one non-social login in the window of
// `estimateWindowDays` days ending on D.
// R2. Social logins never count (callers pass non-social login days only).

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

/** Days a user is in the login estimate: each login day L puts them in on L … L + window − 1. */
export function loginRanges(loginDays: Iterable<number>, windowDays: number): DayRange[] {
  return mergeRanges([...loginDays].map((day) => ({ from: day, to: day + windowDays - 1 })));
}

/** The ranges restricted to days before `day` (exclusive). */
export function clipBefore(ranges: DayRange[], day: number): DayRange[] {
  return ranges.filter((r) => r.from < day).map((r) => ({ from: r.from, to: end(r) >= day ? day - 1 : r.to }));
}

/**
 * Sets a user's membership over the `governed` days to `member`, keeping it elsewhere: how
 * an assignment list, in force from its day until the next list's day, rewrites its days.
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

/**
 * The days a user is in the SSO estimate of an instance. Before the instance's first
 * assignment list the login ranges count; from it on, only the lists do (`assigned`: the
 * days the user is on the list in force).
 */
export function estimateRanges(input: {
  loginDays: Iterable<number>;
  windowDays: number;
  firstListDay: number | null;
  assigned: DayRange[];
}): DayRange[] {
  const logins = loginRanges(input.loginDays, input.windowDays);
  if (input.firstListDay === null) return logins;
  return mergeRanges([...clipBefore(logins, input.firstListDay), ...input.assigned]);
}

export const sameRanges = (a: DayRange[], b: DayRange[]) =>
  a.length === b.length && a.every((r, i) => r.from === b[i].from && r.to === b[i].to);
