import { dlqTopicOf } from '@org/contracts';
import type { IHeaders, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { physicalTopic } from './kafka-settings';

/** Counts how often a message was sent back from its DLQ; the consumer keeps it on a refusal. */
export const REDRIVE_HEADER = 'x-redrive-count';
/** A message refused again after this many redrives stays in the DLQ. */
export const MAX_REDRIVES = 3;

/** One message of a `<topic>.dlq`, as `dlqValue` wrote it. */
export interface DeadLetter {
  partition: number;
  offset: string;
  at: Date;
  key: string | null;
  code: string;
  reason: string;
  /** The original value as a string; null when the DLQ copy was cut (the whole is at its origin). */
  value: string | null;
  eventId: string | null;
  tenantId: string | null;
  /** How often this message had been redriven when it was refused. */
  redrives: number;
}

/** The DLQ copy of a message, read back; unreadable copies are kept with code `UNREADABLE`. */
export function deadLetterOf(message: {
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}): DeadLetter {
  const header = (name: string) => message.headers?.[name]?.toString();
  let stored: {
    error?: { code?: string; message?: string };
    key?: string | null;
    value?: unknown;
    valueLength?: number;
  };
  try {
    stored = JSON.parse(message.value?.toString() ?? 'null') ?? {};
  } catch {
    stored = {};
  }
  const value = typeof stored.value === 'string' && stored.valueLength === undefined ? stored.value : null;
  let envelope: { id?: unknown; tenantId?: unknown } = {};
  try {
    envelope = value ? (JSON.parse(value) ?? {}) : {};
  } catch {
    // A value that is not JSON was refused for that: it has no id or tenant.
  }
  return {
    partition: message.partition,
    offset: message.offset,
    at: new Date(Number(message.timestamp)),
    key: stored.key ?? message.key?.toString() ?? null,
    code: stored.error?.code ?? header('x-error-code') ?? 'UNREADABLE',
    reason: stored.error?.message ?? header('x-error-message') ?? '',
    value,
    eventId: typeof envelope.id === 'string' ? envelope.id : null,
    tenantId: typeof envelope.tenantId === 'string' ? envelope.tenantId : null,
    redrives: Number(header(REDRIVE_HEADER) ?? 0) || 0,
  };
}

export interface DeadLetterFilter {
  reason?: string;
  tenant?: string;
  since?: Date;
}

export const matches = (letter: DeadLetter, f: DeadLetterFilter) =>
  (!f.reason || letter.code === f.reason) &&
  (!f.tenant || letter.tenantId === f.tenant) &&
  (!f.since || letter.at >= f.since);

export interface ReasonGroup {
  code: string;
  count: number;
  tenants: string[];
  first: string;
  last: string;
  /** One reason as written, for a person to read. */
  example: string;
}

/** What a DLQ holds, by reason code, most frequent first. */
export function byReason(letters: DeadLetter[]): ReasonGroup[] {
  const groups = new Map<string, DeadLetter[]>();
  for (const l of letters) groups.set(l.code, [...(groups.get(l.code) ?? []), l]);
  return [...groups]
    .map(([code, all]) => ({
      code,
      count: all.length,
      tenants: [...new Set(all.map((l) => l.tenantId ?? '(unknown)'))].sort(),
      first: new Date(Math.min(...all.map((l) => l.at.getTime()))).toISOString(),
      last: new Date(Math.max(...all.map((l) => l.at.getTime()))).toISOString(),
      example: all[all.length - 1].reason,
    }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

export interface RedrivePlan {
  /** The messages to send back, each once (the latest refusal of an event), with its next count. */
  send: Array<{ letter: DeadLetter; redrives: number }>;
  /** Refused again after MAX_REDRIVES redrives: they stay. */
  exhausted: DeadLetter[];
  /** Cut in the DLQ copy (over 400 KB): their whole value is only at the origin. */
  cut: DeadLetter[];
}

/**
 * Which dead letters go back. An event refused several times is in the DLQ several times: only its
 * latest refusal counts, and its redrives are the most any of its copies says — or, for copies
 * written without Kafka headers (a wait given up, through the outbox), its refusals before the latest.
 */
export function redrivePlan(letters: DeadLetter[]): RedrivePlan {
  const plan: RedrivePlan = { send: [], exhausted: [], cut: [] };
  const byEvent = new Map<string, DeadLetter[]>();
  for (const l of letters) {
    // A message without a readable id (not JSON, say) is known by its key and value.
    const id = l.eventId ?? `${l.key}\u0000${l.value ?? `${l.partition}:${l.offset}`}`;
    byEvent.set(id, [...(byEvent.get(id) ?? []), l]);
  }
  for (const copies of byEvent.values()) {
    const latest = copies[copies.length - 1];
    const redrives = Math.max(copies.length - 1, ...copies.map((c) => c.redrives));
    if (latest.value === null) plan.cut.push(latest);
    else if (redrives >= MAX_REDRIVES) plan.exhausted.push(latest);
    else plan.send.push({ letter: latest, redrives: redrives + 1 });
  }
  return plan;
}

/**
 * Every message of `<topic>.dlq` up to its end now, in partition order. A consumer group of its
 * own (removed after), since kafkajs reads only through groups.
 */
export async function readDeadLetters(kafka: Kafka, topicPrefix: string, topic: string): Promise<DeadLetter[]> {
  const dlq = physicalTopic({ topicPrefix }, dlqTopicOf(topic));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map(
      (await admin.fetchTopicOffsets(dlq))
        .filter((o) => Number(o.high) > Number(o.low))
        .map((o) => [o.partition, o.high]),
    );
    if (!ends.size) return [];
    const groupId = `${topicPrefix}dlq-reader.${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
    const letters: DeadLetter[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: dlq, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= BigInt(ends.get(batch.partition) ?? '0')) continue;
              letters.push(deadLetterOf({ ...message, partition: batch.partition }));
              if (BigInt(message.offset) + 1n >= BigInt(ends.get(batch.partition)!)) ends.delete(batch.partition);
            }
            if (!ends.size) resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.disconnect();
  }
}
