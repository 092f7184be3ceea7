import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * An event written in the same transaction as the state change it describes; the relay
 * publishes rows in `seq` order and deletes them once the broker has them.
 */
@Entity({ tableName: 'outbox_event' })
export class OutboxEvent {
  // As text: a sequence outgrows a JS number long before it outgrows bigint.
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  seq!: string;

  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'text' })
  key!: string;

  @Property({ type: 'json' })
  value!: object;

  /** The W3C trace context of the transaction that wrote it (JSON headers), so the send continues that trace. */
  @Property({ type: 'text', nullable: true })
  traceContext?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}
