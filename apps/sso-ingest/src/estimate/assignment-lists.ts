// Assignment lists (R1): a complete list is in force from its day until the next list's day.
// Two lists of one day: the one with the later `asOf` (then the greater syncId) wins, so the
// result never depends on arrival order.

import { assignRange, type DayRange, mergeRanges } from '@org/days';

export interface AssignmentList {
  day: number;
  asOf: number;
  syncId: string;
}

const later = (a: AssignmentList, b: AssignmentList) => a.asOf > b.asOf || (a.asOf === b.asOf && a.syncId > b.syncId);

/**
 * The days a new list governs among the instance's lists — from its day until the next
 * list's day — or null when a list of the same day supersedes it (or it is that list again).
 */
export function placeList(lists: AssignmentList[], list: AssignmentList): DayRange | null {
  const sameDay = lists.find((l) => l.day === list.day);
  if (sameDay && !later(list, sameDay)) return null;
  const next = lists
    .filter((l) => l.day > list.day)
    .reduce<number | null>((m, l) => (m === null || l.day < m ? l.day : m), null);
  return { from: list.day, to: next === null ? null : next - 1 };
}

/** The page set of one sync, or null until every page 1…pageCount is in. */
export function assemblePages<U>(pages: Array<{ page: number; pageCount: number; users: U[] }>): U[] | null {
  if (!pages.length) return null;
  const pageCount = pages[0].pageCount;
  const byPage = new Map(pages.map((p) => [p.page, p.users]));
  for (let page = 1; page <= pageCount; page++) if (!byPage.has(page)) return null;
  return Array.from({ length: pageCount }, (_, i) => byPage.get(i + 1)!).flat();
}

/**
 * Applies a complete list to an instance's lists and its users' memberships (the days each
 * user is on the list in force). Returns what changed; nothing when the list is superseded.
 */
export function applyList(
  lists: AssignmentList[],
  members: Map<string, DayRange[]>,
  list: AssignmentList,
  users: Set<string>,
): { lists: AssignmentList[]; changed: Map<string, DayRange[]> } | null {
  const governed = placeList(lists, list);
  if (!governed) return null;
  const changed = new Map<string, DayRange[]>();
  for (const user of new Set([...members.keys(), ...users])) {
    changed.set(user, assignRange(members.get(user) ?? [], governed, users.has(user)));
  }
  return { lists: [...lists.filter((l) => l.day !== list.day), list], changed };
}

/**
 * Moves lists to the days `dayOf` gives their `asOf` (after a time zone change), and each
 * membership with them: ranges always start on a list's day and end the day before the next
 * list's. Of two lists landing on one day, the later one stays.
 */
export function remapLists(
  lists: AssignmentList[],
  members: Map<string, DayRange[]>,
  dayOf: (asOf: number) => number,
): { lists: AssignmentList[]; members: Map<string, DayRange[]> } {
  const moved = new Map(lists.map((l) => [l.day, dayOf(l.asOf)]));
  const move = (day: number) => moved.get(day) ?? day;
  const remappedMembers = new Map<string, DayRange[]>();
  for (const [user, ranges] of members) {
    const next = ranges
      .map((r) => ({ from: move(r.from), to: r.to === null ? null : move(r.to + 1) - 1 }))
      .filter((r) => r.to === null || r.to >= r.from);
    remappedMembers.set(user, mergeRanges(next));
  }
  const byDay = new Map<number, AssignmentList>();
  for (const l of lists) {
    const day = move(l.day);
    const kept = byDay.get(day);
    if (!kept || later(l, kept)) byDay.set(day, { ...l, day });
  }
  return { lists: [...byDay.values()].sort((a, b) => a.day - b.day), members: remappedMembers };
}
