import type { ReclaimReason } from '@org/contracts';

/**
 * R16–R18: one seat of today and whether it is reclaimable, and why. Pure: the report
 * (reclamation-report.ts) loads the seats and applies these rules, the tests call them directly.
 */
export interface Seat {
  userId: string;
  email: string;
  tier: string | null;
  /** R18's "provisioned since": the first day of the user's current unbroken run as a seat. */
  provisionedSince: number;
  /** R17: the day (tenant's zone) of the last activity; null when there never was any. */
  lastActiveDay: number | null;
  /** The instant of that activity (a usage day counts from its start); null with the day. */
  lastActiveAt: number | null;
  /**
   * Whether the seat's user is in the instance's latest complete SSO assignment list; null
   * when `orphaned` does not apply (an estimate seat, or an instance without lists).
   */
  inLatestList: boolean | null;
}

export interface ReclaimRule {
  /** Today in the tenant's zone. */
  today: number;
  inactiveAfterDays: number;
  /** Exempt users' e-mails, lower-cased. */
  exempt: ReadonlySet<string>;
}

/** R17: e-mails match case-insensitively. */
export const personOf = (email: string): string => email.toLowerCase();

export const isExempt = (seat: Seat, rule: ReclaimRule): boolean => rule.exempt.has(personOf(seat.email));

/** R18: the reason a seat is reclaimable, or null (exempt, active, or within its grace). */
export function reasonOf(seat: Seat, rule: ReclaimRule): ReclaimReason | null {
  if (isExempt(seat, rule)) return null;
  if (seat.inLatestList === false) return 'orphaned';
  // Grace for new seats: provisioned fewer than inactiveAfterDays days ago.
  if (rule.today - seat.provisionedSince < rule.inactiveAfterDays) return null;
  if (seat.lastActiveDay === null) return 'never_used';
  return daysInactive(seat, rule)! > rule.inactiveAfterDays ? 'inactive' : null;
}

/** R18's `seats.active`: last activity within the last inactiveAfterDays days. */
export const isActive = (seat: Seat, rule: ReclaimRule): boolean =>
  seat.lastActiveDay !== null && daysInactive(seat, rule)! <= rule.inactiveAfterDays;

/** Today minus the day of the last activity (never below 0: a login stamped ahead of today's clock). */
export const daysInactive = (seat: Seat, rule: ReclaimRule): number | null =>
  seat.lastActiveDay === null ? null : Math.max(0, rule.today - seat.lastActiveDay);
