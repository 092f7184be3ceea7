import { isoToDay } from '@org/days';
import { daysInactive, isActive, reasonOf, type ReclaimRule, type Seat } from './reclaimable';
import { reportOf, shownSeat } from './reclamation-report';

const today = isoToDay('2026-11-30');
const rule = (over: Partial<ReclaimRule> = {}): ReclaimRule => ({
  today,
  inactiveAfterDays: 60,
  exempt: new Set(),
  ...over,
});
/** A seat provisioned `sinceDays` ago, last active `idleDays` ago (null: never). */
const seat = (sinceDays: number, idleDays: number | null, over: Partial<Seat> = {}): Seat => ({
  userId: 'u1',
  email: 'Ann@Acme.test',
  tier: 'Pro',
  provisionedSince: today - sinceDays,
  lastActiveDay: idleDays === null ? null : today - idleDays,
  lastActiveAt: idleDays === null ? null : (today - idleDays) * 86_400_000,
  inLatestList: null,
  ...over,
});

describe('R18: reasons a seat is reclaimable', () => {
  it('orphaned: a connector seat missing from the latest assignment list, whatever its activity or age', () => {
    expect(reasonOf(seat(1, 0, { inLatestList: false }), rule())).toBe('orphaned');
    expect(reasonOf(seat(400, 0, { inLatestList: false }), rule())).toBe('orphaned');
    expect(reasonOf(seat(400, 0, { inLatestList: true }), rule())).toBeNull();
  });

  it('never_used: no activity ever, provisioned for more than inactiveAfterDays', () => {
    expect(reasonOf(seat(90, null), rule())).toBe('never_used');
  });

  it('inactive: last activity more than inactiveAfterDays days before today', () => {
    expect(reasonOf(seat(400, 61), rule())).toBe('inactive');
    expect(reasonOf(seat(400, 60), rule())).toBeNull();
    expect(reasonOf(seat(400, 0), rule())).toBeNull();
  });

  it('takes the reasons in order: orphaned before never_used before inactive', () => {
    expect(reasonOf(seat(400, null, { inLatestList: false }), rule())).toBe('orphaned');
    expect(reasonOf(seat(400, 200, { inLatestList: false }), rule())).toBe('orphaned');
    expect(reasonOf(seat(400, null, { inLatestList: true }), rule())).toBe('never_used');
  });

  it('gives new seats their grace up to the exact boundary: fewer than inactiveAfterDays days ago is never reclaimable', () => {
    expect(reasonOf(seat(59, null), rule())).toBeNull();
    expect(reasonOf(seat(60, null), rule())).toBe('never_used');
    // A seat re-provisioned lately keeps its grace even with an old last activity.
    expect(reasonOf(seat(59, 300), rule())).toBeNull();
    expect(reasonOf(seat(60, 300), rule())).toBe('inactive');
    expect(reasonOf(seat(6, null), rule({ inactiveAfterDays: 7 }))).toBeNull();
    expect(reasonOf(seat(7, null), rule({ inactiveAfterDays: 7 }))).toBe('never_used');
  });

  it('never reclaims an exempt seat, its e-mail matched case-insensitively', () => {
    const exempt = rule({ exempt: new Set(['ann@acme.test']) });
    expect(reasonOf(seat(400, null), exempt)).toBeNull();
    expect(reasonOf(seat(400, 200, { inLatestList: false }), exempt)).toBeNull();
    expect(reasonOf(seat(400, null, { email: 'bob@acme.test' }), exempt)).toBe('never_used');
  });

  it('counts a seat active when its last activity lies within inactiveAfterDays days, and days inactive from it', () => {
    expect(isActive(seat(400, 60), rule())).toBe(true);
    expect(isActive(seat(400, 61), rule())).toBe(false);
    expect(isActive(seat(400, null), rule())).toBe(false);
    expect(daysInactive(seat(400, 61), rule())).toBe(61);
    expect(daysInactive(seat(400, null), rule())).toBeNull();
    expect(daysInactive(seat(400, -1), rule())).toBe(0); // a login stamped ahead of today
  });
});

describe('the report of a set of seats', () => {
  const prices = { currency: 'EUR', defaultMonthlyPrice: 5, tierMonthlyPrices: { Pro: 12.1, Enterprise: 40 } };

  it('counts by reason and tier, prices waste per tier, and counts seats without a price apart', () => {
    const seats = [
      seat(400, 100, { userId: 'a', tier: 'Pro' }), // inactive
      seat(400, null, { userId: 'b', tier: 'Pro' }), // never_used
      seat(400, 1, { userId: 'c', tier: 'Pro' }), // active
      seat(400, 1, { userId: 'd', tier: 'Viewer', inLatestList: false }), // orphaned, default price
      seat(400, null, { userId: 'e', tier: null }), // never_used, default price
      seat(10, null, { userId: 'f', tier: 'Enterprise', email: 'f@acme.test' }), // grace
    ];
    const report = reportOf('i', 'connector', seats, rule(), prices);
    expect(report.seats).toEqual({
      provisioned: 6,
      active: 2,
      reclaimable: 4,
      byReason: { orphaned: 1, never_used: 2, inactive: 1 },
    });
    expect(report.byTier).toEqual([
      { tier: 'Pro', provisioned: 3, reclaimable: 2, monthlyPrice: 12.1, monthlyWaste: 24.2 },
      { tier: null, provisioned: 1, reclaimable: 1, monthlyPrice: 5, monthlyWaste: 5 },
      { tier: 'Viewer', provisioned: 1, reclaimable: 1, monthlyPrice: 5, monthlyWaste: 5 },
      { tier: 'Enterprise', provisioned: 1, reclaimable: 0, monthlyPrice: 40, monthlyWaste: 0 },
    ]);
    expect([report.monthlyWaste, report.unpricedSeats, report.currency]).toEqual([34.2, 0, 'EUR']);
    expect(report.reclaimable.map((s) => [s.seat.userId, s.reason, s.daysInactive])).toEqual([
      ['a', 'inactive', 100],
      ['b', 'never_used', null],
      ['d', 'orphaned', 1],
      ['e', 'never_used', null],
    ]);
    expect(shownSeat(report.reclaimable[1])).toMatchObject({ lastActiveAt: null, provisionedSince: '2025-10-26' });
    expect(shownSeat(report.reclaimable[0]).lastActiveAt).toBe(new Date((today - 100) * 86_400_000).toISOString());
  });

  it('never counts a reclaimable seat without a price as zero money', () => {
    const report = reportOf('i', 'sso_estimate', [seat(400, null, { tier: 'Pro' })], rule(), {
      currency: 'USD',
      defaultMonthlyPrice: null,
      tierMonthlyPrices: {},
    });
    expect([report.monthlyWaste, report.unpricedSeats]).toEqual([0, 1]);
    expect(report.byTier[0].monthlyPrice).toBeNull();
  });
});
