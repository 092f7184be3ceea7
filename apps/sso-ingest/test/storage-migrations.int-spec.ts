// sso-ingest's storage migrations on a database holding the shape before them: existing rows
// converted, and back again on `down`.
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { migrationDatabase } from '@org/testing';
import { ssoIngestDatabase } from '../src/database';

describe('sso-ingest: storage migrations over existing data', () => {
  let orm: MikroORM;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ orm, close } = await migrationDatabase(ssoIngestDatabase));
  });
  afterAll(() => close?.());

  it('turns estimates and assignment memberships (JSON day numbers) into datemultiranges, and back', async () => {
    await orm.migrator.up({ to: 'Migration20261130082501_first_login' });
    // Day 20454 is 2026-01-01; 20513 is 2026-03-01.
    const old = {
      open: [{ from: 20513, to: null }],
      two: [
        { from: 20454, to: 20484 },
        { from: 20541, to: 20541 },
      ],
      none: [],
    };
    for (const [userId, ranges] of Object.entries(old)) {
      await query(
        orm.em.fork(),
        `insert into estimate (instance_id, user_id, tenant_id, email, ranges) values ('00000000-0000-4000-8000-000000000001', ?, 't', 'x@x.test', ?::jsonb)`,
        [userId, JSON.stringify(ranges)],
      );
      await query(
        orm.em.fork(),
        `insert into assignment_membership (instance_id, user_id, email, ranges) values ('00000000-0000-4000-8000-000000000001', ?, 'x@x.test', ?::jsonb)`,
        [userId, JSON.stringify(ranges)],
      );
    }
    await orm.migrator.up({ to: 'Migration20261130090427_day_multiranges' });
    const expected = [
      { user_id: 'none', ranges: '{}' },
      { user_id: 'open', ranges: '{[2026-03-01,)}' },
      { user_id: 'two', ranges: '{[2026-01-01,2026-02-01),[2026-03-29,2026-03-30)}' },
    ];
    for (const table of ['estimate', 'assignment_membership'])
      expect([
        table,
        await query(orm.em.fork(), `select user_id, ranges::text from ${table} order by user_id`),
      ]).toEqual([table, expected]);

    await orm.migrator.down({ to: 'Migration20261130082501_first_login' });
    for (const table of ['estimate', 'assignment_membership'])
      expect([table, await query(orm.em.fork(), `select user_id, ranges from ${table} order by user_id`)]).toEqual([
        table,
        Object.entries(old)
          .sort()
          .map(([user_id, ranges]) => ({ user_id, ranges })),
      ]);
  });

  it('gives every login history its latest login (the start of its last quarter hour), to be published once', async () => {
    await orm.migrator.up({ to: 'Migration20261130090427_day_multiranges' });
    // Quarter 1,975,968 starts at 2026-05-10T00:00:00Z.
    await query(
      orm.em.fork(),
      `insert into login_history (instance_id, user_id, tenant_id, email, quarters)
       values ('00000000-0000-4000-8000-000000000002', 'u', 't', 'u@x.test', '{1975000,1975968}')`,
    );
    await orm.migrator.up({ to: 'Migration20261130130713_user_activity' });
    expect(
      await query(
        orm.em.fork(),
        `select to_char(last_login_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as at, version, published_version
         from login_history where user_id = 'u'`,
      ),
    ).toEqual([{ at: '2026-05-10T00:00', version: 1, published_version: 0 }]);
    await orm.migrator.down({ to: 'Migration20261130090427_day_multiranges' });
    expect(await query(orm.em.fork(), `select quarters from login_history where user_id = 'u'`)).toEqual([
      { quarters: [1975000, 1975968] },
    ]);
  });
});
