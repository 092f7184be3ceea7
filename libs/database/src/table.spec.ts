import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { MikroORM } from '@mikro-orm/postgresql';
import { isoToDay } from '@org/days';
import { DayType } from './day-type';
import { ormOptions } from './orm-options';
import { tableOf } from './table';

@Entity({ tableName: 'seat_day' })
class SeatDay {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: DayType })
  day!: number;

  @Property({ type: 'integer', nullable: true })
  activeUsers?: number | null;

  @Property({ type: 'json', nullable: true })
  tiers?: Record<string, number> | null;

  @Property({ type: 'datetime' })
  seenAt!: Date;
}

describe('tableOf', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await MikroORM.init(
      // Nothing here queries: MikroORM 7 connects on first use, and port 1 never answers.
      ormOptions(
        { schema: 's', entities: [SeatDay], migrations: [], migrationsPath: __dirname },
        'postgres://x@127.0.0.1:1/x',
      ),
    );
  });
  afterAll(() => orm.close());

  it('names the columns and their array casts from the entity', () => {
    const table = tableOf(orm.em.fork(), SeatDay);
    expect(table.name).toBe('seat_day');
    expect(table.properties).toEqual(['instanceId', 'day', 'activeUsers', 'tiers', 'seenAt']);
    expect(table.columns()).toBe('instance_id, day, active_users, tiers, seen_at');
    expect(table.columns(['day', 'activeUsers'], 'v')).toBe('v.day, v.active_users');
    expect(table.arrayParameters(['instanceId', 'day', 'activeUsers', 'tiers', 'seenAt'])).toBe(
      '?::uuid[], ?::date[], ?::int[], ?::jsonb[], ?::timestamptz[]',
    );
    expect(() => table.column('nope' as never)).toThrow('SeatDay has no column for nope');
    expect(table.bulkInsert(['instanceId', 'day'])).toBe(
      'insert into seat_day (instance_id, day) select * from unnest(?::uuid[], ?::date[])',
    );
    expect(table.excluded(['activeUsers', 'tiers'])).toBe(
      'active_users = excluded.active_users, tiers = excluded.tiers',
    );
    expect(table.insert(['instanceId', 'day'])).toBe('insert into seat_day (instance_id, day) values (?, ?)');
  });

  it('maps a raw row to properties as the ORM does', () => {
    const table = tableOf(orm.em.fork(), SeatDay);
    const row = table.row({
      instance_id: 'i',
      day: '2026-03-03',
      active_users: 4,
      tiers: { a: 1 },
      seen_at: '2026-03-03T10:00:00Z',
    });
    expect(row).toMatchObject({ instanceId: 'i', day: isoToDay('2026-03-03'), activeUsers: 4, tiers: { a: 1 } });
    expect(row.seenAt).toEqual(new Date('2026-03-03T10:00:00Z'));
  });

  it("gives one row's values converted as the ORM converts them", () => {
    const table = tableOf(orm.em.fork(), SeatDay);
    expect(table.values({ day: isoToDay('2026-03-03'), tiers: { a: 1 } }, ['day', 'activeUsers', 'tiers'])).toEqual([
      '2026-03-03',
      null,
      '{"a":1}',
    ]);
  });

  it('gives parameter arrays converted as the ORM converts them', () => {
    const table = tableOf(orm.em.fork(), SeatDay);
    const rows = [
      { day: isoToDay('2026-03-03'), activeUsers: null, tiers: { a: 1 } },
      { day: isoToDay('2026-03-04'), activeUsers: 2, tiers: null },
    ];
    expect(table.arrays(rows, ['day', 'activeUsers', 'tiers'])).toEqual([
      ['2026-03-03', '2026-03-04'],
      [null, 2],
      ['{"a":1}', null],
    ]);
  });
});
