import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { DayType } from '@org/database';

/**
 * Which generation of an instance's view readers see, which days it holds, and the rebuild
 * under way if any (R12): its generation, the next day to build and its progress.
 */
@Entity({ tableName: 'view_state' })
export class ViewState {
  [OptionalProps]?:
    'generation' | 'rebuildGeneration' | 'rebuildCursor' | 'rebuildProgress' | 'rebuildReason' | 'rebuildConnectionId';

  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer', default: 1 })
  generation!: number;

  /** The view holds the days firstDay..lastDay (none while lastDay < firstDay). */
  @Property({ type: DayType })
  firstDay!: number;

  @Property({ type: DayType })
  lastDay!: number;

  @Property({ type: 'integer', nullable: true })
  rebuildGeneration!: number | null;

  /** The next day the rebuild computes. */
  @Property({ type: DayType, nullable: true })
  rebuildCursor!: number | null;

  @Property({ type: 'double', default: 0 })
  rebuildProgress!: number;

  @Property({ type: 'text', nullable: true })
  rebuildReason!: string | null;

  @Property({ type: 'uuid', nullable: true })
  rebuildConnectionId!: string | null;
}
