import type { EntityManager } from '@mikro-orm/postgresql';
import type { ErrorCode, Topic } from '@org/contracts';
import { query } from '@org/database';

export interface OutgoingEvent {
  topic: Topic | `${Topic}.dlq`;
  key: string;
  value: object;
}

/**
 * The value of every DLQ message, from the consumer or from a background step: the reason, where
 * the message came from, and the message as it came (its value as a string).
 */
export function dlqValue(
  error: { code: ErrorCode; message: string },
  origin: { topic: string; partition?: number; offset?: string; timestamp?: string },
  key: string | null,
  value: unknown,
) {
  return { error, origin, key, value: value === null || typeof value === 'string' ? value : JSON.stringify(value) };
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
  return { topic: `${topic}.dlq`, key, value: dlqValue(error, { topic }, key, value) };
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
