import type { EntityManager } from '@mikro-orm/postgresql';
import type { ErrorCode, Topic } from '@org/contracts';
import { query } from '@org/database';

export interface OutgoingEvent {
  topic: Topic | `${Topic}.dlq`;
  key: string;
  value: object;
}

/**
 * A message a background step gives up on, for `<topic>.dlq` through the outbox: the same
 * value as the consumer's own DLQ messages (`error`, `origin`, `key`, `value`), without the
 * Kafka headers, which the outbox does not carry.
 */
export function dlqEntry(
  topic: Topic,
  key: string,
  value: unknown,
  error: { code: ErrorCode; message: string },
): OutgoingEvent {
  return {
    topic: `${topic}.dlq`,
    key,
    value: { error, origin: { topic }, key, value: typeof value === 'string' ? value : JSON.stringify(value) },
  };
}

/**
 * Queues events for publication inside the caller's transaction, so a state change and
 * its events are committed together or not at all. One statement for any number of rows.
 */
export async function addToOutbox(em: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (!events.length) return;
  await query(
    em,
    `insert into outbox_event (topic, key, value)
     select * from unnest(?::text[], ?::text[], ?::jsonb[])`,
    [events.map((e) => e.topic), events.map((e) => e.key), events.map((e) => JSON.stringify(e.value))],
  );
}
