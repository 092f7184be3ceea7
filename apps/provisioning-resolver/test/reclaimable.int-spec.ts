// R17, R18 on hand-made seats: the rule's SQL expressions (src/reclamation/reclaimable.ts)
// evaluated by PostgreSQL, as the report applies them, one seat per case.
import { isoToDay } from '@org/days';
import { Client } from 'pg';
import { daysInactive, isActive, personOf, reasonOf, type SeatColumns } from '../src/reclamation/reclaimable';

const today = isoToDay('2026-11-30');
const columns: SeatColumns = {
  loginDay: 'login_day',
  usageDay: 'usage_day',
  since: 'since',
  listed: 'listed',
  exempt: 'exempt',
  inactiveAfterDays: 'inactive_after_days',
  today: 'today',
};

interface Case {
  /** Provisioned this many days ago. */
  sinceDays: number;
  /** Last login this many days ago; null: never. */
  loginDays: number | null;
  /** Last usage this many days ago; null: never. */
  usageDays?: number | null;
  listed?: boolean | null;
  exempt?: boolean;
  inactiveAfterDays?: number;
}

describe('R18: reasons a seat is reclaimable', () => {
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });
  afterAll(() => db?.end());

  async function judge(seat: Case) {
    const { rows } = await db.query(
      `select ${reasonOf(columns)} as reason, ${isActive(columns)} as active,
         ${daysInactive(columns)} as days_inactive
       from (select $1::int as since, $2::int as login_day, $3::int as usage_day, $4::boolean as listed,
         $5::boolean as exempt, $6::int as inactive_after_days, $7::int as today) s`,
      [
        today - seat.sinceDays,
        seat.loginDays === null ? null : today - seat.loginDays,
        seat.usageDays == null ? null : today - seat.usageDays,
        seat.listed ?? null,
        seat.exempt ?? false,
        seat.inactiveAfterDays ?? 60,
        today,
      ],
    );
    return rows[0] as { reason: string | null; active: boolean; days_inactive: number | null };
  }
  const reason = async (seat: Case) => (await judge(seat)).reason;

  it('orphaned: a connector seat missing from the latest assignment list, whatever its activity or age', async () => {
    expect(await reason({ sinceDays: 1, loginDays: 0, listed: false })).toBe('orphaned');
    expect(await reason({ sinceDays: 400, loginDays: 0, listed: false })).toBe('orphaned');
    expect(await reason({ sinceDays: 400, loginDays: 0, listed: true })).toBeNull();
  });

  it('never_used: no activity ever, provisioned for more than inactiveAfterDays', async () => {
    expect(await reason({ sinceDays: 90, loginDays: null })).toBe('never_used');
  });

  it('inactive: last activity more than inactiveAfterDays days before today', async () => {
    expect(await reason({ sinceDays: 400, loginDays: 61 })).toBe('inactive');
    expect(await reason({ sinceDays: 400, loginDays: 60 })).toBeNull();
    expect(await reason({ sinceDays: 400, loginDays: 0 })).toBeNull();
  });

  it('R17: takes the later of the last login and the last usage day as the last activity', async () => {
    expect(await reason({ sinceDays: 400, loginDays: 200, usageDays: 3 })).toBeNull();
    expect(await reason({ sinceDays: 400, loginDays: null, usageDays: 61 })).toBe('inactive');
    expect(await judge({ sinceDays: 400, loginDays: 90, usageDays: 70 })).toMatchObject({ days_inactive: 70 });
    expect(await judge({ sinceDays: 400, loginDays: 5, usageDays: 70 })).toMatchObject({ days_inactive: 5 });
  });

  it('takes the reasons in order: orphaned before never_used before inactive', async () => {
    expect(await reason({ sinceDays: 400, loginDays: null, listed: false })).toBe('orphaned');
    expect(await reason({ sinceDays: 400, loginDays: 200, listed: false })).toBe('orphaned');
    expect(await reason({ sinceDays: 400, loginDays: null, listed: true })).toBe('never_used');
  });

  it('gives new seats their grace up to the exact boundary: fewer than inactiveAfterDays days ago is never reclaimable', async () => {
    expect(await reason({ sinceDays: 59, loginDays: null })).toBeNull();
    expect(await reason({ sinceDays: 60, loginDays: null })).toBe('never_used');
    // A seat re-provisioned lately keeps its grace even with an old last activity.
    expect(await reason({ sinceDays: 59, loginDays: 300 })).toBeNull();
    expect(await reason({ sinceDays: 60, loginDays: 300 })).toBe('inactive');
    expect(await reason({ sinceDays: 6, loginDays: null, inactiveAfterDays: 7 })).toBeNull();
    expect(await reason({ sinceDays: 7, loginDays: null, inactiveAfterDays: 7 })).toBe('never_used');
  });

  it('never reclaims an exempt seat', async () => {
    expect(await reason({ sinceDays: 400, loginDays: null, exempt: true })).toBeNull();
    expect(await reason({ sinceDays: 400, loginDays: 200, listed: false, exempt: true })).toBeNull();
  });

  it('R17: matches people by e-mail, case-insensitively (for logins and exemptions alike)', async () => {
    const { rows } = await db.query(
      `select ${personOf('$1::text')} = ${personOf('$2::text')} as same, ${personOf('$1::text')} = ${personOf('$3::text')} as other`,
      ['Ann@Acme.test', 'ann@ACME.TEST', 'bob@acme.test'],
    );
    expect(rows[0]).toEqual({ same: true, other: false });
  });

  it('counts a seat active when its last activity lies within inactiveAfterDays days, and days inactive from it', async () => {
    expect(await judge({ sinceDays: 400, loginDays: 60 })).toMatchObject({ active: true, days_inactive: 60 });
    expect(await judge({ sinceDays: 400, loginDays: 61 })).toMatchObject({ active: false, days_inactive: 61 });
    expect(await judge({ sinceDays: 400, loginDays: null })).toMatchObject({ active: false, days_inactive: null });
    // A login stamped ahead of today's clock.
    expect(await judge({ sinceDays: 400, loginDays: -1 })).toMatchObject({ active: true, days_inactive: 0 });
  });
});
