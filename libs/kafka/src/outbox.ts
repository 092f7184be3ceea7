import type { EntityManager } from '@mikro-orm/postgresql';
import type { ErrorCode, Topic } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { currentTraceContext } from '@org/tracing';
import { OutboxEvent } from './outbox-event.entity';

export interface OutgoingEvent {
  topic: Topic | `${Topic}.dlq`;
  key: string;
  value: object;
}

/**
 * The most of the original value a DLQ message copies, counted as it travels: UTF-8 bytes of its
 * JSON string form, as the broker's 1 MB counts them (400,000 characters of `€` are 1.2 MB, of
 * control characters, escaped as `\u0001`, 2.4 MB).
 */
const DLQ_VALUE_MAX_BYTES = 400_000;

/**
 * The value of every DLQ message, from the consumer or from a background step: the reason, where
 * the message came from, and the message as it came (its value as a string). A value over
 * DLQ_VALUE_MAX_BYTES is cut, and `valueLength` says how long it was, in bytes: the whole
 * message is still at `origin` (topic, partition, offset) for as long as the topic keeps it.
 */
export function dlqValue(
  error: { code: ErrorCode; message: string },
  origin: { topic: string; partition?: number; offset?: string; timestamp?: string },
  key: string | null,
  value: unknown,
) {
  const text = value === null || typeof value === 'string' ? value : JSON.stringify(value);
  const cut = text === null ? null : jsonPrefix(text, DLQ_VALUE_MAX_BYTES);
  if (cut === null) return { error, origin, key, value: text };
  return { error, origin, key, value: cut, valueLength: Buffer.byteLength(text!) };
}

/**
 * The longest start of `text` whose JSON string form takes at most `max` UTF-8 bytes, never
 * splitting a character; null when the whole of it fits. One pass, no copy.
 */
function jsonPrefix(text: string, max: number): string | null {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    let size: number;
    if (c < 0x20)
      size = [8, 9, 10, 12, 13].includes(c) ? 2 : 6; // \n and the like; \u00XX
    else if (c === 0x22 || c === 0x5c)
      size = 2; // \" and \\
    else if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (pair) size = 4;
    else if (c >= 0xd800 && c <= 0xdfff)
      size = 6; // a lone surrogate, escaped
    else size = 3;
    if (bytes + size > max) return text.slice(0, i);
    bytes += size;
    if (pair) i++;
  }
  return null;
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
  const outbox = tableOf(em, OutboxEvent);
  const columns = ['topic', 'key', 'value', 'traceContext'] as const;
  const traceContext = currentTraceContext();
  // Raw: one unnest insert for every event of a transaction, on every write path (npm run bench -- ingest).
  await query(
    em,
    outbox.bulkInsert(columns),
    outbox.arrays(
      events.map((e) => ({ ...e, traceContext })),
      columns,
    ),
  );
}
