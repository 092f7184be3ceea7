import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One day of an instance's view (R14) in one generation: readers see only the current generation. */
@Entity({ tableName: 'view_day' })
export class ViewDayRow {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'integer' })
  generation!: number;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'uuid', nullable: true })
  connectionId?: string | null;

  @Property({ type: 'text', nullable: true })
  connectionKind?: string | null;

  @Property({ type: 'integer' })
  provisionedUsers!: number;

  @Property({ type: 'json', nullable: true })
  tiers?: Record<string, number> | null;

  @Property({ type: 'integer', nullable: true })
  activeUsers?: number | null;

  @Property({ type: 'integer', nullable: true })
  staleDays?: number | null;

  @Property({ type: 'boolean' })
  awaitingFirstSync!: boolean;

  /** The instant of the snapshot shown (epoch ms), to list its users. */
  @Property({ type: 'bigint', nullable: true })
  snapshotAt?: string | null;
}
