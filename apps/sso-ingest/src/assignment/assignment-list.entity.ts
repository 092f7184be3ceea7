import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The complete assignment list in force on an instance from `day` (one per day: the latest). */
@Entity({ tableName: 'assignment_list' })
export class AssignmentListRow {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  /** Days since 1970-01-01 in the tenant's time zone. */
  @PrimaryKey({ type: 'integer' })
  day!: number;

  @Property({ type: 'datetime' })
  asOf!: Date;

  @Property({ type: 'text' })
  syncId!: string;
}
