import { OptionalProps } from '@mikro-orm/core';
import type { ConnectorSnapshotEvent } from '@org/contracts';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One page of a connector snapshot, held until every page of its sync is in and its
 * connection is known (R15); then applied at once and deleted. The whole event is kept so
 * that a page given up on (unknown connection, incomplete set) reaches the DLQ as it came.
 */
@Entity({ tableName: 'snapshot_page' })
@Index({ properties: ['receivedAt'] })
export class SnapshotPage {
  [OptionalProps]?: 'receivedAt';

  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'text' })
  syncId!: string;

  @PrimaryKey({ type: 'integer' })
  page!: number;

  @Property({ type: 'integer' })
  pageCount!: number;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'datetime' })
  asOf!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  receivedAt!: Date;

  /** `json`, not `jsonb`: kept only to be read back whole, so PostgreSQL need not parse a page of thousands of users. */
  @Property({ type: 'json', columnType: 'json' })
  event!: ConnectorSnapshotEvent;
}
