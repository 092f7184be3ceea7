import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One page of an assignment list, held until every page of its sync is in. */
@Entity({ tableName: 'assignment_page' })
export class AssignmentPage {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  syncId!: string;

  @PrimaryKey({ type: 'integer' })
  page!: number;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer' })
  pageCount!: number;

  @Property({ type: 'datetime' })
  asOf!: Date;

  @Property({ type: 'json' })
  users!: Array<{ userId: string; email: string }>;
}
