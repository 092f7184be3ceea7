import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A customer organisation and the settings its views are computed with (R1, days). */
@Entity({ tableName: 'tenant' })
export class Tenant {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  /** IANA name; a day is a calendar date in this zone. */
  @Property({ type: 'text' })
  timeZone!: string;

  @Property({ type: 'integer' })
  estimateWindowDays!: number;

  /** R18: the default for instances without their own. */
  @Property({ type: 'integer', default: 60 })
  inactiveAfterDays!: number;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
