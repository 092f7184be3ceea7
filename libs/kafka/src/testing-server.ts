// The KafkaEventServer of the unit tests, over the fakes, with events of one topic numbered
// 1, 2, 3… Not exported from index.ts.
import { TOPICS } from '@org/contracts';
import { EventProducer } from './event-producer';
import { type ConsumeOptions, type EventBatch, KafkaEventServer, type Rejection } from './kafka-event.server';
import { FakeDatabase, FakeKafka, kafkaMessage } from './testing-fakes';

export const TOPIC = TOPICS.tenants;
export const SETTINGS = { brokers: ['fake:9092'], clientId: 'sso-ingest', topicPrefix: 't1.' };

/** The id of test event `n`, and back: tests speak of events 1, 2, 3. */
export const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const numberOf = (id: string) => Number(id.slice(-12));

/** A valid `tenants.v1` message value. */
export const tenantChange = (n: number) =>
  JSON.stringify({
    id: eventId(n),
    type: 'tenant.changed',
    version: 1,
    tenantId: 'tenant-a',
    occurredAt: '2026-01-01T00:00:00Z',
    data: { name: 'Acme', timeZone: 'Europe/Berlin', estimateWindowDays: 30 },
  });

/** Messages at offsets 0, 1, … carrying events `ns`. */
export const changes = (...ns: number[]) => ns.map((n, offset) => kafkaMessage(offset, tenantChange(n)));

export type Apply = (batch: EventBatch<typeof TOPIC>, call: number) => Promise<Rejection[] | void>;

/** A server over fakes with a handler (applying nothing) per topic, not listening yet. */
export function serverOf(topics: string[], options: { groupId?: string; chunkSize?: number } = {}) {
  const log: string[] = [];
  const kafka = new FakeKafka(log);
  const db = new FakeDatabase(log);
  const producer = new EventProducer(kafka.asKafka, SETTINGS);
  const server = new KafkaEventServer(kafka.asKafka, SETTINGS, db.orm, producer, {
    groupId: options.groupId ?? 'sso-ingest',
    chunkSize: options.chunkSize,
  });
  for (const topic of topics) server.addHandler(topic, (async () => []) as never, true);
  return { kafka, db, log, server };
}

/**
 * A listening server with one handler of TOPIC calling `apply`: `applied` holds the event
 * numbers of each handler call, `dlq()` what reached the DLQ (value parsed).
 */
export async function startServer(apply: Apply = async () => [], extras: ConsumeOptions = {}, chunkSize?: number) {
  const { kafka, db, log, server } = serverOf([], { chunkSize });
  const applied: number[][] = [];
  const handler = async (batch: EventBatch<typeof TOPIC>) => {
    applied.push(batch.events.map((e) => numberOf(e.id)));
    log.push('apply');
    return apply(batch, applied.length);
  };
  server.addHandler(TOPIC, handler as never, true, extras);
  server.listen(() => undefined);
  await kafka.consumers[0].running;
  const dlq = () =>
    kafka.producers
      .flatMap((p) => p.sent)
      .map((m) => ({ topic: m.topic, key: String(m.key), value: JSON.parse(String(m.value)), headers: m.headers }));
  return { server, kafka, db, log, consumer: kafka.consumers[0], applied, dlq };
}
