import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The days a user is on the assignment list in force, as day ranges: lists never stored user by day. */
@Entity({ tableName: 'assignment_membership' })
export class AssignmentMembership {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  email!: string;

  /** A `datemultirange`, in PostgreSQL's text form (`dateMultirangeOf` / `dayRangesOf`, libs/days). */
  @Property({ columnType: 'datemultirange', type: 'unknown' })
  ranges!: string;
}
