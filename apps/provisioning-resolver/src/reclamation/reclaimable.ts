/**
 * R17, R18: whether a seat of today is reclaimable, and why, as SQL expressions over the columns
 * of one seat. PostgreSQL applies them where the seats are (seats-of-today.ts), so a report of
 * 50k seats brings its counts and one page into Node, not 50k rows (npm run bench --
 * reclamation); the tests (test/reclaimable.int-spec.ts) evaluate them on hand-made seats.
 */
export interface SeatColumns {
  /** The day (tenant's zone, day number) of the user's latest non-social login; null: none. */
  loginDay: string;
  /** The latest day with usage from an engagement connection of the instance; null: none. */
  usageDay: string;
  /** R18's "provisioned since": the first day of the user's current unbroken run as a seat. */
  since: string;
  /** Whether the latest complete assignment list has the user; null when `orphaned` does not apply. */
  listed: string;
  /** Whether the user's e-mail is among the instance's exemptions (matched lower-cased, R17). */
  exempt: string;
  /** The instance's inactiveAfterDays, else the tenant's. */
  inactiveAfterDays: string;
  /** Today in the tenant's zone. */
  today: string;
}

/** R17: connector users and SSO users are the same person when their e-mails match, case-insensitive. */
export const personOf = (email: string) => `lower(${email})`;

/** R17: the day of the last activity, the later of the last login and the last day with usage. */
export const lastActiveDay = (s: SeatColumns) => `greatest(${s.loginDay}, ${s.usageDay})`;

/** Whether the last activity is a usage day (it counts from its start) rather than a login. */
export const activeByUsage = (s: SeatColumns) => `(${s.usageDay} > ${s.loginDay} or ${s.loginDay} is null)`;

/**
 * Today minus the day of the last activity (never below 0: a login stamped ahead of today's
 * clock); null when there never was any (greatest() alone would skip the null).
 */
export const daysInactive = (s: SeatColumns) =>
  `case when ${lastActiveDay(s)} is not null then greatest(0, ${s.today} - ${lastActiveDay(s)}) end`;

/** R18's `seats.active`: last activity within the last inactiveAfterDays days. */
export const isActive = (s: SeatColumns) => `coalesce(${daysInactive(s)} <= ${s.inactiveAfterDays}, false)`;

/**
 * R18: the reason a seat is reclaimable (orphaned, else never_used, else inactive), or null:
 * exempt, active, or within its grace (provisioned fewer than inactiveAfterDays days ago).
 */
export const reasonOf = (s: SeatColumns) => `case
  when ${s.exempt} then null
  when ${s.listed} = false then 'orphaned'
  when ${s.today} - ${s.since} < ${s.inactiveAfterDays} then null
  when ${lastActiveDay(s)} is null then 'never_used'
  when ${daysInactive(s)} > ${s.inactiveAfterDays} then 'inactive'
end`;
