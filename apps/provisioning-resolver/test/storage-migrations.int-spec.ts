// The resolver's storage migrations on a database holding the shape before them: existing rows
// converted, and back again on `down`.
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { migrationDatabase } from '@org/testing';
import { resolverDatabase } from '../src/database';
import { ConnectionFact } from '../src/fact/connection-fact.entity';

describe('provisioning-resolver: storage migrations over existing data', () => {
  let orm: MikroORM;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ orm, close } = await migrationDatabase(resolverDatabase));
  });
  afterAll(() => close?.());

  it('turns estimate intervals (JSON) into a datemultirange, and back', async () => {
    await orm.migrator.up({ to: 'Migration20261130082503_first_login' });
    const em = orm.em.fork();
    await query(
      em,
      `insert into estimate_fact (instance_id, user_id, tenant_id, email, intervals) values
         ('00000000-0000-4000-8000-000000000001', 'open', 't', 'a@x.test', ?::jsonb),
         ('00000000-0000-4000-8000-000000000001', 'two', 't', 'b@x.test', ?::jsonb),
         ('00000000-0000-4000-8000-000000000001', 'none', 't', 'c@x.test', '[]'::jsonb)`,
      [
        JSON.stringify([{ from: '2026-03-01', to: null }]),
        JSON.stringify([
          { from: '2026-01-01', to: '2026-01-31' },
          { from: '2026-03-29', to: '2026-03-29' },
        ]),
      ],
    );
    await orm.migrator.up({ to: 'Migration20261130083243_estimate_days' });
    const days = await query<{ user_id: string; days: string; on_day: boolean }>(
      orm.em.fork(),
      `select user_id, days::text, days @> '2026-03-29'::date as on_day from estimate_fact order by user_id`,
    );
    expect(days).toEqual([
      { user_id: 'none', days: '{}', on_day: false },
      { user_id: 'open', days: '{[2026-03-01,)}', on_day: true },
      { user_id: 'two', days: '{[2026-01-01,2026-02-01),[2026-03-29,2026-03-30)}', on_day: true },
    ]);
    const [index] = await query<{ indexdef: string }>(
      orm.em.fork(),
      `select indexdef from pg_indexes where indexname = 'estimate_fact_instance_days_index'`,
    );
    expect(index.indexdef).toContain('USING gist (instance_id, days)');

    await orm.migrator.down({ to: 'Migration20261130082503_first_login' });
    const intervals = await query<{ user_id: string; intervals: unknown }>(
      orm.em.fork(),
      `select user_id, intervals from estimate_fact order by user_id`,
    );
    expect(intervals).toEqual([
      { user_id: 'none', intervals: [] },
      { user_id: 'open', intervals: [{ from: '2026-03-01', to: null }] },
      {
        user_id: 'two',
        intervals: [
          { from: '2026-01-01', to: '2026-01-31' },
          { from: '2026-03-29', to: '2026-03-29' },
        ],
      },
    ]);
  });

  it('turns connector users (a JSON array of spans each) into one tstzrange row per span, and back', async () => {
    await orm.migrator.up({ to: 'Migration20261130083243_estimate_days' });
    const march = Date.parse('2026-03-01T08:00:00.123Z');
    const april = Date.parse('2026-04-01T08:00:00Z');
    const old = {
      ann: [
        { f: march, t: april, e: 'ann@x.test', r: 'Pro', s: 'active' },
        { f: april, t: null, e: 'ann@x.test', r: null, s: 'suspended' },
      ],
      bob: [{ f: march, t: april, e: 'bob@x.test', r: 'Viewer', s: 'active' }],
    };
    await query(
      orm.em.fork(),
      `insert into connector_user (connection_id, user_id, tenant_id, ranges)
       select '00000000-0000-4000-8000-000000000002', u, 't', r from unnest(?::text[], ?::jsonb[]) as x(u, r)`,
      [Object.keys(old), Object.values(old).map((r) => JSON.stringify(r))],
    );
    await orm.migrator.up({ to: 'Migration20261130084007_connector_user_ranges' });
    const spans = await query(
      orm.em.fork(),
      `select user_id, (extract(epoch from lower(during)) * 1000)::float8 as f,
         (extract(epoch from upper(during)) * 1000)::float8 as t, email, tier, status,
         during @> '2026-03-15T00:00:00Z'::timestamptz as in_march
       from connector_user_range order by user_id, lower(during)`,
    );
    expect(spans).toEqual([
      { user_id: 'ann', f: march, t: april, email: 'ann@x.test', tier: 'Pro', status: 'active', in_march: true },
      { user_id: 'ann', f: april, t: null, email: 'ann@x.test', tier: null, status: 'suspended', in_march: false },
      { user_id: 'bob', f: march, t: april, email: 'bob@x.test', tier: 'Viewer', status: 'active', in_march: true },
    ]);
    const indexes = await query<{ indexname: string; indexdef: string }>(
      orm.em.fork(),
      `select indexname, indexdef from pg_indexes where tablename = 'connector_user_range' order by indexname`,
    );
    expect(indexes.map((i) => i.indexdef.replace(/^.* USING /, ''))).toEqual([
      'gist (connection_id, during)',
      'btree (connection_id, user_id) WHERE upper_inf(during)',
      'btree (connection_id, user_id, during)',
    ]);

    await orm.migrator.down({ to: 'Migration20261130083243_estimate_days' });
    const back = await query<{ user_id: string; ranges: unknown }>(
      orm.em.fork(),
      `select user_id, ranges from connector_user order by user_id`,
    );
    expect(back).toEqual(Object.entries(old).map(([user_id, ranges]) => ({ user_id, ranges })));
  });

  it('turns connection periods (JSON) into a tstzrange array, two periods meeting at one instant kept apart, and back', async () => {
    await orm.migrator.up({ to: 'Migration20261130084007_connector_user_ranges' });
    const periods = [
      { from: '2026-03-01T08:00:00.000Z', to: '2026-03-10T09:30:00.000Z' },
      { from: '2026-03-10T09:30:00.000Z', to: null },
    ];
    await query(
      orm.em.fork(),
      `insert into connection_fact (connection_id, tenant_id, instance_id, kind, supports_license_tiers, status, periods, effective_at)
       values ('00000000-0000-4000-8000-000000000003', 't', '00000000-0000-4000-8000-000000000001', 'provisioning', true,
               'connected', ?::jsonb, now()),
              ('00000000-0000-4000-8000-000000000004', 't', '00000000-0000-4000-8000-000000000001', 'provisioning', true,
               'pending', '[]'::jsonb, now())`,
      [JSON.stringify(periods)],
    );
    await orm.migrator.up({ to: 'Migration20261130100104_connection_periods' });
    const ranges = await query<{ count: number; meet: boolean | null; connected_now: boolean }>(
      orm.em.fork(),
      `select cardinality(periods) as count, upper(periods[1]) = lower(periods[2]) as meet,
              now() <@ any(periods) as connected_now
       from connection_fact order by connection_id`,
    );
    expect(ranges).toEqual([
      { count: 2, meet: true, connected_now: true },
      { count: 0, meet: null, connected_now: false },
    ]);
    // The entity reads them back in the shape the registry sends.
    const read = await orm.em.fork().find(ConnectionFact, {}, { orderBy: { connectionId: 'asc' } });
    expect(read.map((c) => c.periods.map((p) => ({ from: iso(p.from), to: p.to && iso(p.to) })))).toEqual([
      periods,
      [],
    ]);

    await orm.migrator.down({ to: 'Migration20261130084007_connector_user_ranges' });
    const back = await query<{ periods: unknown }>(
      orm.em.fork(),
      `select periods from connection_fact order by connection_id`,
    );
    expect(back).toEqual([{ periods }, { periods: [] }]);
  });
});

const iso = (at: string) => new Date(at).toISOString();
