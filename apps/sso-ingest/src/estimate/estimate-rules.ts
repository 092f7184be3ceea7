// R1 and R2, as pure functions over days (integers, @org/days).
//
// R1. The SSO estimate of an instance on day D is the list of users assigned to it in the
// latest complete assignment list dated on or before D, where the platform has sent one;
// otherwise the users with at least one non-social login in the window of
// `estimateWindowDays` days ending on D.
// R2. Social logins never count (callers pass non-social login days only).

import { clipBefore, type DayRange, mergeRanges } from '@org/days';

/** Days a user is in the login estimate: each login day L puts them in on L … L + window − 1. */
export function loginRanges(loginDays: Iterable<number>, windowDays: number): DayRange[] {
  return mergeRanges([...loginDays].map((day) => ({ from: day, to: day + windowDays - 1 })));
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
