import { isoToDay } from './day';
import {
  assignRange,
  clipBefore,
  dateMultirangeOf,
  dayRangesOf,
  type DayRange,
  mergeRanges,
  sameRanges,
} from './day-ranges';

// [from, to] pairs; null is open-ended.
const r = (...pairs: Array<[number, number | null]>): DayRange[] => pairs.map(([from, to]) => ({ from, to }));

describe('mergeRanges', () => {
  it.each([
    ['nothing', r(), r()],
    ['unsorted ranges, sorted', r([8, 9], [1, 2]), r([1, 2], [8, 9])],
    ['adjacent ranges, joined', r([1, 2], [3, 4]), r([1, 4])],
    ['single adjacent days, joined', r([3, 3], [4, 4], [5, 5]), r([3, 5])],
    ['ranges one day apart, kept apart', r([1, 2], [4, 5]), r([1, 2], [4, 5])],
    ['overlapping ranges, joined', r([3, 8], [1, 5]), r([1, 8])],
    ['a contained range, absorbed', r([1, 10], [3, 4]), r([1, 10])],
    ['the same range twice, once', r([2, 5], [2, 5]), r([2, 5])],
    ['an open-ended range, absorbing what follows', r([5, 6], [1, null], [9, 12]), r([1, null])],
    ['an open-ended range after a gap, kept apart', r([5, null], [1, 3]), r([1, 3], [5, null])],
    ['an open-ended range adjacent to a closed one, joined', r([1, 3], [4, null]), r([1, null])],
    ['two open-ended ranges, the earlier start', r([4, null], [2, null]), r([2, null])],
    ['days before 1970', r([-3, -2], [-1, 0]), r([-3, 0])],
  ])('merges %s', (_, ranges, merged) => {
    expect(mergeRanges(ranges)).toEqual(merged);
  });

  it('leaves its input as it was', () => {
    const ranges = r([3, 4], [1, 3]);
    mergeRanges(ranges);
    expect(ranges).toEqual(r([3, 4], [1, 3]));
  });
});

describe('clipBefore', () => {
  it('keeps the days before the given one: whole ranges, cut ones, never the day itself', () => {
    expect(clipBefore(r([1, 3], [5, 9], [10, 12]), 6)).toEqual(r([1, 3], [5, 5]));
    expect(clipBefore(r([1, 5]), 6)).toEqual(r([1, 5]));
    expect(clipBefore(r([4, 6]), 6)).toEqual(r([4, 5]));
    expect(clipBefore(r([6, 8]), 6)).toEqual(r());
  });

  it('closes an open-ended range the day before', () => {
    expect(clipBefore(r([2, null]), 6)).toEqual(r([2, 5]));
  });
});

type Case = [string, DayRange[], [number, number | null], DayRange[]];

describe('assignRange', () => {
  it.each<Case>([
    ['the middle, splitting the range', r([1, 10]), [4, 6], r([1, 3], [7, 10])],
    ['the first day', r([1, 5]), [1, 1], r([2, 5])],
    ['the last day, touching', r([1, 5]), [5, 8], r([1, 4])],
    ['days just after, leaving it whole', r([1, 5]), [6, 8], r([1, 5])],
    ['days just before, leaving it whole', r([3, 5]), [1, 2], r([3, 5])],
    ['exactly the range, leaving nothing', r([1, 5]), [1, 5], r()],
    ['more than the ranges, leaving nothing', r([2, 3], [5, 6]), [0, 10], r()],
    ['from nothing, leaving nothing', r(), [1, 5], r()],
    ['days from an open-ended range, keeping it open after them', r([1, null]), [5, 7], r([1, 4], [8, null])],
    ['an open-ended span from an open-ended range', r([1, null]), [5, null], r([1, 4])],
    ['an open-ended span from a closed range', r([1, 10]), [5, null], r([1, 4])],
    ['an open-ended span starting before everything', r([3, 4], [6, null]), [1, null], r()],
  ])('removes %s', (_, ranges, [from, to], left) => {
    expect(assignRange(ranges, { from, to }, false)).toEqual(left);
  });

  it.each<Case>([
    ['adjacent days, joining them', r([1, 3]), [4, 6], r([1, 6])],
    ['a gap between two ranges, joining all three', r([1, 3], [8, 9]), [3, 8], r([1, 9])],
    ['days already in, changing nothing', r([1, 10]), [3, 4], r([1, 10])],
    ['an open-ended span', r([1, 3], [6, 8]), [5, null], r([1, 3], [5, null])],
    ['days to nothing', r(), [2, 2], r([2, 2])],
  ])('adds %s', (_, ranges, [from, to], result) => {
    expect(assignRange(ranges, { from, to }, true)).toEqual(result);
  });

  it('leaves its input as it was', () => {
    const ranges = r([1, 10]);
    assignRange(ranges, { from: 4, to: 6 }, false);
    expect(ranges).toEqual(r([1, 10]));
  });
});

describe('sameRanges', () => {
  it('compares ranges in order, an open end differing from any day', () => {
    expect(sameRanges(r([1, 2], [4, null]), r([1, 2], [4, null]))).toBe(true);
    expect(sameRanges(r([1, 2], [4, null]), r([1, 2], [4, 9]))).toBe(false);
    expect(sameRanges(r([1, 2]), r([1, 2], [4, 5]))).toBe(false);
    expect(sameRanges(r(), r())).toBe(true);
  });
});

describe('dateMultirangeOf', () => {
  const d = isoToDay;
  it('writes each range with an exclusive upper bound, an open one unbounded', () => {
    expect(
      dateMultirangeOf([
        { from: d('2026-01-01'), to: d('2026-04-30') },
        { from: d('2026-06-01'), to: null },
      ]),
    ).toBe('{[2026-01-01,2026-05-01),[2026-06-01,)}');
  });
  it('writes a one-day range across a month end, and no range as the empty set', () => {
    expect(dateMultirangeOf([{ from: d('2026-02-28'), to: d('2026-02-28') }])).toBe('{[2026-02-28,2026-03-01)}');
    expect(dateMultirangeOf([])).toBe('{}');
  });
});

describe('dayRangesOf', () => {
  const d = isoToDay;
  it('reads what PostgreSQL prints back into inclusive day ranges, an unbounded end as open', () => {
    expect(dayRangesOf('{[2026-01-01,2026-05-01),[2026-06-01,)}')).toEqual([
      { from: d('2026-01-01'), to: d('2026-04-30') },
      { from: d('2026-06-01'), to: null },
    ]);
    expect(dayRangesOf('{}')).toEqual([]);
  });
  it('reads back what dateMultirangeOf writes', () => {
    const ranges = [
      { from: d('2024-02-28'), to: d('2024-03-01') },
      { from: d('2026-12-31'), to: null },
    ];
    expect(dayRangesOf(dateMultirangeOf(ranges))).toEqual(ranges);
  });
});
