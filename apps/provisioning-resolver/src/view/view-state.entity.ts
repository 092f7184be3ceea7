import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Which generation of an instance's view readers see, which days it holds, and the rebuild
 * under way if any (R12): its generation, the next day to build and its progress.
 */
@Entity({ tableName: 'view_state' })
export class ViewState {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer', default: 1 })
  generation!: number;

  @Property({ type: 'date' })
  firstDay!: string;

  @Property({ type: 'date' })
  lastDay!: string;

  @Property({ type: 'integer', nullable: true })
  rebuildGeneration?: number | null;

  @Property({ type: 'date', nullable: true })
  rebuildCursor?: string | null;

  @Property({ type: 'double', default: 0 })
  rebuildProgress!: number;

  @Property({ type: 'text', nullable: true })
  rebuildReason?: string | null;

  @Property({ type: 'uuid', nullable: true })
  rebuildConnectionId?: string | null;
}
