// R17, R18 on hand-made seats: the rule's SQL expressions (src/reclamation/reclaimable.ts)
// evaluated by PostgreSQL, as the report applies them, one seat per case; then the statement
// that applies them (seats-of-today.ts) over spans stored as the snapshot consumer leaves them.
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { dayOf, isoToDay } from '@org/days';
import { migrationDatabase } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { resolverDatabase } from '../src/database';
import { daysInactive, isActive, personOf, reasonOf } from '../src/reclamation/reclaimable';
import { SEAT_FACT_COLUMNS, seatsOfToday } from '../src/reclamation/seats-of-today';
import type { ViewDay } from '../src/view/view-days';

const today = isoToDay('2026-11-30');
const columns = SEAT_FACT_COLUMNS;

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

describe('R16–R18 over stored spans: the seats of today, their run start and their last login', () => {
  let orm: MikroORM;
  let close: () => Promise<void>;
  const DAY = 86_400_000;
  const now = Date.now();
  const todayUtc = dayOf(now, 'UTC');
  const instanceId = randomUUID();
  const connectionId = randomUUID();
  const snapshotAt = now - DAY / 2;

  beforeAll(async () => {
    ({ orm, close } = await migrationDatabase(resolverDatabase));
    await orm.migrator.up();
    const em = orm.em.fork();
    const span = (user: string, email: string, tier: string | null, status: string, from: number, to: number | null) =>
      query(
        em,
        `insert into connector_user_range (connection_id, user_id, during, tenant_id, email, tier, status)
         values (?, ?, tstzrange(?::timestamptz, ?::timestamptz, '[)'), 't', ?, ?, ?)`,
        [
          connectionId,
          user,
          new Date(now - from * DAY).toISOString(),
          to === null ? null : new Date(now - to * DAY).toISOString(),
          email,
          tier,
          status,
        ],
      );
    // a: a tier change keeps the run; b: a suspension breaks it; c: a gap breaks it;
    // d: suspended today, no seat; e: with a login under another case of its e-mail; f: with usage.
    await span('a', 'a@x.test', 'Pro', 'active', 400, 200);
    await span('a', 'a@x.test', 'Enterprise', 'active', 200, null);
    await span('b', 'b@x.test', 'Pro', 'active', 400, 100);
    await span('b', 'b@x.test', 'Pro', 'suspended', 100, 90);
    await span('b', 'b@x.test', 'Pro', 'active', 90, null);
    await span('c', 'c@x.test', null, 'active', 400, 50);
    await span('c', 'c@x.test', null, 'active', 30, null);
    await span('d', 'd@x.test', 'Pro', 'suspended', 100, null);
    await span('e', 'E@X.test', 'Pro', 'active', 200, null);
    await span('f', 'f@x.test', 'Enterprise', 'active', 300, null);
    // The connection is an engagement connection: its usage counts as activity (R17), with events only.
    await query(
      em,
      `insert into connection_fact (connection_id, tenant_id, instance_id, kind, supports_license_tiers, status, periods, effective_at)
       values (?, 't', ?, 'engagement', true, 'connected', array[tstzrange(?::timestamptz, null, '[)')], ?::timestamptz)`,
      [connectionId, instanceId, new Date(now - 500 * DAY).toISOString(), new Date(now - 500 * DAY).toISOString()],
    );
    const usage = (user: string, days: number, events: number) =>
      query(
        em,
        `insert into usage_fact (connection_id, day, user_id, tenant_id, events, event_id) values (?, ?, ?, 't', ?, ?)`,
        [connectionId, new Date(now - days * DAY).toISOString().slice(0, 10), user, events, randomUUID()],
      );
    await usage('f', 3, 2);
    await usage('b', 1, 0);
    await query(
      em,
      `insert into user_activity_fact (instance_id, user_id, tenant_id, email, last_login_at) values (?, 'sso-e', 't', 'e@x.TEST', ?)`,
      [instanceId, new Date(now - 70 * DAY).toISOString()],
    );
  });
  afterAll(() => close?.());

  const seats = (exemptEmails: string[]) =>
    orm.em.fork().transactional((em) =>
      seatsOfToday(
        em,
        't',
        'UTC',
        todayUtc,
        [
          {
            instanceId,
            today: { source: 'connector', connectionId, snapshotAt } as ViewDay,
            hasAssignmentLists: false,
            inactiveAfterDays: 60,
            exemptEmails,
          },
        ],
        { instanceId, reason: null, after: null, limit: null },
      ),
    );

  it('starts a seat at its unbroken run as an active user, and counts usage with events as activity, and matches logins and exemptions by e-mail in any case', async () => {
    const since = (days: number) => dayOf(now - days * DAY, 'UTC');
    const all = await seats([]);
    expect(all.seats.map((s) => [s.userId, s.reason, s.provisionedSince, s.daysInactive])).toEqual([
      ['a', 'never_used', since(400), null],
      ['b', 'never_used', since(90), null],
      ['e', 'inactive', since(200), todayUtc - dayOf(now - 70 * DAY, 'UTC')],
    ]);
    expect(
      all.counts.map(({ instanceId: _i, ...c }) => c).sort((x, y) => (x.tier ?? '').localeCompare(y.tier ?? '')),
    ).toEqual([
      { tier: null, provisioned: 1, active: 0, reclaimable: 0, orphaned: 0, never_used: 0, inactive: 0 },
      { tier: 'Enterprise', provisioned: 2, active: 1, reclaimable: 1, orphaned: 0, never_used: 1, inactive: 0 },
      { tier: 'Pro', provisioned: 2, active: 0, reclaimable: 2, orphaned: 0, never_used: 1, inactive: 1 },
    ]);
    const exempt = await seats(['B@x.TEST']);
    expect(exempt.seats.map((s) => s.userId)).toEqual(['a', 'e']);
  });
});
