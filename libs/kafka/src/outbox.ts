import type { EntityManager } from '@mikro-orm/postgresql';
import type { ErrorCode, Topic } from '@org/contracts';
import { query } from '@org/database';

export interface OutgoingEvent {
  topic: Topic | `${Topic}.dlq`;
  key: string;
  value: object;
}

/** The most of the original value a DLQ message copies: with JSON's escaping it stays under the broker's 1 MB. */
const DLQ_VALUE_MAX_CHARS = 400_000;

/**
 * The value of every DLQ message, from the consumer or from a background step: the reason, where
 * the message came from, and the message as it came (its value as a string). A value longer
 * than DLQ_VALUE_MAX_CHARS is cut, and `valueLength` says how long it was: the whole message
 * is still at `origin` (topic, partition, offset) for as long as the topic keeps it.
 */
export function dlqValue(
  error: { code: ErrorCode; message: string },
  origin: { topic: string; partition?: number; offset?: string; timestamp?: string },
  key: string | null,
  value: unknown,
) {
  const text = value === null || typeof value === 'string' ? value : JSON.stringify(value);
  if (text === null || text.length <= DLQ_VALUE_MAX_CHARS) return { error, origin, key, value: text };
  return { error, origin, key, value: text.slice(0, DLQ_VALUE_MAX_CHARS), valueLength: text.length };
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
