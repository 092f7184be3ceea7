import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { type ConnectionKind, viewDay } from '@org/contracts';
import { DayType } from '@org/database';
import { dayToIso } from '@org/days';

/**
 * One day of an instance's view (R14) in one generation: readers see only the current
 * generation. The one definition of a view day: `viewDays` computes these fields, the view
 * writer stores them, readers select them by the API's field names (SPEC §5).
 */
@Entity({ tableName: 'view_day' })
export class ViewDayRow {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'integer' })
  generation!: number;

  @PrimaryKey({ type: DayType })
  day!: number;

  @Property({ type: 'text' })
  source!: 'connector' | 'sso_estimate';

  @Property({ type: 'uuid', nullable: true })
  connectionId!: string | null;

  @Property({ type: 'text', nullable: true })
  connectionKind!: ConnectionKind | null;

  @Property({ type: 'integer' })
  provisionedUsers!: number;

  @Property({ type: 'json', nullable: true })
  tiers!: Record<string, number> | null;

  @Property({ type: 'integer', nullable: true })
  activeUsers!: number | null;

  @Property({ type: 'integer', nullable: true })
  staleDays!: number | null;

  @Property({ type: 'boolean' })
  awaitingFirstSync!: boolean;

  /** The instant of the snapshot shown (epoch ms), to list its users; null on estimate days. */
  @Property({ type: new BigIntType('number'), nullable: true })
  snapshotAt!: number | null;

  /**
   * The day as the API shows it (`shownDay` of the fields above, as JSON text), written with
   * them: the hot read joins these instead of building JSON from every column of every day
   * of every request, a third of the database's time per read (npm run bench -- read).
   */
  @Property({ type: 'text' })
  shown!: string;
}

/** A view day as computed, whatever its instance and generation. */
export type ViewDay = Omit<ViewDayRow, 'instanceId' | 'generation' | 'shown'>;

/** The fields of a view day the API shows (SPEC §5), in its order. */
export const SHOWN = Object.keys(viewDay.shape) as Array<keyof typeof viewDay.shape & keyof ViewDay>;

/** A view day as the API shows it (SPEC §5). */
export function shownDay(d: ViewDay) {
  const shown = Object.fromEntries(SHOWN.map((name) => [name, d[name]])) as Pick<ViewDay, (typeof SHOWN)[number]>;
  return { ...shown, day: dayToIso(d.day) };
}
