import { applyList, type AssignmentList, assemblePages, placeList, remapLists } from './assignment-lists';
import { type DayRange, dayOf, isoToDay, mergeRanges } from '@org/days';
import { estimateRanges, loginRanges } from './estimate-rules';

const d = isoToDay;
const range = (from: string, to: string | null): DayRange => ({ from: d(from), to: to === null ? null : d(to) });
const inRanges = (ranges: DayRange[], day: string) =>
  ranges.some((r) => r.from <= d(day) && (r.to === null || d(day) <= r.to));

describe('R1: the login estimate', () => {
  it('holds a user from the login day through the last day of the window, not a day more', () => {
    const ranges = loginRanges([d('2026-03-10')], 120);
    expect(inRanges(ranges, '2026-03-09')).toBe(false);
    expect(inRanges(ranges, '2026-03-10')).toBe(true);
    expect(inRanges(ranges, '2026-07-07')).toBe(true); // day 120 of the window ending on it
    expect(inRanges(ranges, '2026-07-08')).toBe(false);
  });

  it('joins the windows of logins closer than the window, and keeps a gap otherwise', () => {
    expect(loginRanges([d('2026-01-01'), d('2026-01-03')], 3)).toEqual([range('2026-01-01', '2026-01-05')]);
    expect(loginRanges([d('2026-01-01'), d('2026-01-04')], 3)).toEqual([range('2026-01-01', '2026-01-06')]); // adjacent
    expect(loginRanges([d('2026-01-01'), d('2026-01-05')], 3)).toEqual([
      range('2026-01-01', '2026-01-03'),
      range('2026-01-05', '2026-01-07'),
    ]);
  });

  it('gives the same ranges whatever the order of the logins, and however often each came', () => {
    const days = ['2026-02-01', '2026-01-01', '2026-05-20', '2026-01-01', '2026-02-01'].map(d);
    expect(loginRanges(days, 30)).toEqual(loginRanges([...new Set(days)].sort(), 30));
  });
});

describe('days in the tenant time zone', () => {
  it('places a login on its local day', () => {
    const lateEvening = Date.parse('2026-03-01T23:30:00Z');
    expect(dayOf(lateEvening, 'UTC')).toBe(d('2026-03-01'));
    expect(dayOf(lateEvening, 'Europe/Paris')).toBe(d('2026-03-02'));
    expect(dayOf(Date.parse('2026-03-02T07:59:00Z'), 'America/Los_Angeles')).toBe(d('2026-03-01'));
    expect(dayOf(Date.parse('2026-03-02T08:00:00Z'), 'America/Los_Angeles')).toBe(d('2026-03-02'));
    expect(dayOf(Date.parse('2026-03-01T18:14:00Z'), 'Asia/Kathmandu')).toBe(d('2026-03-01')); // +05:45
    expect(dayOf(Date.parse('2026-03-01T18:15:00Z'), 'Asia/Kathmandu')).toBe(d('2026-03-02'));
  });

  it('follows daylight saving time', () => {
    // Paris moves to +02:00 on 2026-03-29 at 01:00 UTC.
    expect(dayOf(Date.parse('2026-03-28T22:59:00Z'), 'Europe/Paris')).toBe(d('2026-03-28'));
    expect(dayOf(Date.parse('2026-03-28T23:00:00Z'), 'Europe/Paris')).toBe(d('2026-03-29'));
    expect(dayOf(Date.parse('2026-07-01T21:59:00Z'), 'Europe/Paris')).toBe(d('2026-07-01'));
    expect(dayOf(Date.parse('2026-07-01T22:00:00Z'), 'Europe/Paris')).toBe(d('2026-07-02'));
  });
});

describe('R1: assignment lists replace the login estimate from their day on', () => {
  it('uses logins before the first list and only the lists from its day', () => {
    const ranges = estimateRanges({
      loginDays: [d('2026-01-01')],
      windowDays: 120,
      firstListDay: d('2026-02-01'),
      assigned: [],
    });
    expect(ranges).toEqual([range('2026-01-01', '2026-01-31')]);

    const assignedLater = estimateRanges({
      loginDays: [d('2026-01-01')],
      windowDays: 120,
      firstListDay: d('2026-02-01'),
      assigned: [range('2026-03-01', null)],
    });
    expect(assignedLater).toEqual([range('2026-01-01', '2026-01-31'), range('2026-03-01', null)]);
  });

  it('holds a list in force until the next list, and a list of the same day only if it is the later one', () => {
    const lists: AssignmentList[] = [
      { day: d('2026-01-10'), asOf: 100, syncId: 'a' },
      { day: d('2026-01-20'), asOf: 200, syncId: 'b' },
    ];
    expect(placeList(lists, { day: d('2026-01-15'), asOf: 150, syncId: 'c' })).toEqual(
      range('2026-01-15', '2026-01-19'),
    );
    expect(placeList(lists, { day: d('2026-01-25'), asOf: 250, syncId: 'd' })).toEqual(range('2026-01-25', null));
    expect(placeList(lists, { day: d('2026-01-10'), asOf: 90, syncId: 'e' })).toBeNull(); // older than that day's list
    expect(placeList(lists, { day: d('2026-01-10'), asOf: 100, syncId: 'a' })).toBeNull(); // the same list again
    expect(placeList(lists, { day: d('2026-01-10'), asOf: 110, syncId: 'f' })).toEqual(
      range('2026-01-10', '2026-01-19'),
    );
  });

  it('gives the same memberships whatever order the lists arrive in', () => {
    const arriving = [
      { list: { day: d('2026-01-05'), asOf: 1, syncId: 's1' }, users: ['ann', 'bob'] },
      { list: { day: d('2026-01-10'), asOf: 2, syncId: 's2' }, users: ['bob'] },
      { list: { day: d('2026-01-07'), asOf: 3, syncId: 's3' }, users: ['ann', 'cid'] },
      { list: { day: d('2026-01-10'), asOf: 4, syncId: 's4' }, users: ['cid'] },
    ];
    const apply = (order: typeof arriving) => {
      let lists: AssignmentList[] = [];
      const members = new Map<string, DayRange[]>();
      for (const { list, users } of order) {
        const result = applyList(lists, members, list, new Set(users));
        if (!result) continue;
        lists = result.lists;
        for (const [user, ranges] of result.changed) members.set(user, ranges);
      }
      return Object.fromEntries([...members].filter(([, r]) => r.length).sort());
    };
    const expected = {
      ann: [range('2026-01-05', '2026-01-09')],
      bob: [range('2026-01-05', '2026-01-06')],
      cid: [range('2026-01-07', null)],
    };
    const permutations = (xs: typeof arriving): Array<typeof arriving> =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations(arriving)) expect(apply([...order, order[0]])).toEqual(expected);
  });

  it('moves lists and memberships to the days of a new time zone', () => {
    const lists: AssignmentList[] = [
      { day: d('2026-01-05'), asOf: Date.parse('2026-01-05T23:30:00Z'), syncId: 'a' },
      { day: d('2026-01-10'), asOf: Date.parse('2026-01-10T12:00:00Z'), syncId: 'b' },
    ];
    const members = new Map([
      ['ann', [range('2026-01-05', '2026-01-09')]],
      ['bob', [range('2026-01-05', null)]],
    ]);
    const moved = remapLists(lists, members, (asOf) => dayOf(asOf, 'Europe/Paris'));
    expect(moved.lists.map((l) => l.day)).toEqual([d('2026-01-06'), d('2026-01-10')]);
    expect(moved.members.get('ann')).toEqual([range('2026-01-06', '2026-01-09')]);
    expect(moved.members.get('bob')).toEqual([range('2026-01-06', null)]);
  });

  it('applies nothing until every page of a sync is in', () => {
    const page = (n: number, users: string[]) => ({ page: n, pageCount: 3, users });
    expect(assemblePages([page(1, ['a']), page(3, ['c'])])).toBeNull();
    expect(assemblePages([page(3, ['c']), page(1, ['a']), page(2, ['b'])])).toEqual(['a', 'b', 'c']);
  });
});

describe('mergeRanges', () => {
  it('merges overlapping and adjacent ranges and keeps open ends open', () => {
    expect(
      mergeRanges([
        { from: 5, to: null },
        { from: 1, to: 3 },
        { from: 4, to: 6 },
      ]),
    ).toEqual([{ from: 1, to: null }]);
  });
});
