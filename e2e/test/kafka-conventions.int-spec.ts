// The messaging conventions every service relies on, over real Kafka and PostgreSQL:
// dedupe by event id, retry of transient failures, DLQ with the reason, offsets committed
// after the transaction, clean shutdown, and the outbox relay's order.
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/postgresql';
import { connectorEventKey, type ConnectorUsageEvent, dlqTopicOf, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { ServiceModule } from '@org/service';
import { eventually, produce, type ReadMessage, readTopic, startTestService, testKafka } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { addToOutbox, type EventBatch, OutboxEvent, ProcessedEvent, type Rejection } from '@org/kafka';

const schema = `kafka_probe_${randomUUID().slice(0, 8)}`;
/** The probe's consumer group of connector.usage, as the DLQ headers and the broker's offsets name it. */
const probeGroup = `${process.env.KAFKA_TOPIC_PREFIX}probe-${schema}.${TOPICS.connectorUsage}`;
const failedOnce = new Set<string>();
const failures = new Map<string, number>();

@Controller()
class UsageProbeKafkaController {
  @EventPattern(TOPICS.connectorUsage)
  async record(@Payload() batch: EventBatch<typeof TOPICS.connectorUsage>): Promise<Rejection[]> {
    const rejections: Rejection[] = [];
    for (const e of batch.events) {
      const kind = e.data.userId.split('-')[0];
      if (kind === 'transient' && !failedOnce.has(e.id)) {
        failedOnce.add(e.id);
        throw Object.assign(new Error('connection lost'), { code: '08006' });
      }
      if (kind === 'bug') throw new TypeError('cannot read properties of undefined');
      if (kind === 'unrecoverable' && (failures.get(e.id) ?? 0) < 2) {
        // An outage surfacing as an error kafkajs would not retry (it would stop the consumer for
        // good), twice: in the chunk, then alone — so it leaves the chunk's own retries.
        failures.set(e.id, (failures.get(e.id) ?? 0) + 1);
        throw Object.assign(new TypeError('the pool is draining'), { code: 'SERVICE_UNAVAILABLE' });
      }
      if (kind === 'reject') {
        rejections.push({
          eventId: e.id,
          code: 'UNKNOWN_CONNECTION',
          reason: `connection ${e.data.connectionId} is unknown`,
        });
        continue;
      }
      await query(batch.em, 'insert into usage_probe (event_id, user_id) values (?, ?)', [e.id, e.data.userId]);
    }
    return rejections;
  }
}

@Module({ controllers: [UsageProbeKafkaController] })
class ProbeModule {}

const probeModule = () => ({
  module: ProbeModule,
  imports: [
    ServiceModule.forRoot({
      name: `probe-${schema}`,
      internalOnly: true,
      config: {
        DATABASE_URL: process.env.DATABASE_URL!,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!.split(','),
        KAFKA_TOPIC_PREFIX: process.env.KAFKA_TOPIC_PREFIX!,
        INTERNAL_API_TOKEN: process.env.INTERNAL_API_TOKEN!,
        LOG_LEVEL: 'error',
      },
      database: {
        schema,
        entities: [OutboxEvent, ProcessedEvent],
        migrations: [],
        migrationsPath: __dirname /* no migrations: the test creates its tables */,
      },
    }),
  ],
});

const usage = (userId: string): ConnectorUsageEvent => ({
  id: randomUUID(),
  type: 'connector.usage',
  version: 1,
  tenantId: 'tenant-probe',
  occurredAt: new Date().toISOString(),
  data: { connectionId: randomUUID(), userId, day: '2026-11-01', events: 3 },
});

describe('Kafka conventions (libs/kafka)', () => {
  let app: INestApplication;
  const em = () => app.get<MikroORM>(MikroORM).em.fork();
  const applied = async (ids: string[]) =>
    (
      await query<{ event_id: string }>(em(), 'select event_id from usage_probe where event_id = any(?::uuid[])', [ids])
    ).map((r) => r.event_id);

  beforeAll(async () => {
    ({ app } = await startTestService(probeModule()));
    const orm = app.get<MikroORM>(MikroORM);
    await orm.schema.create();
    await query(
      orm.em.fork(),
      `create table "${schema}".usage_probe (event_id uuid primary key, user_id text not null)`,
    );
  });
  afterAll(async () => {
    await query(app.get<MikroORM>(MikroORM).em.fork(), `drop schema "${schema}" cascade`);
    await app.close();
  });

  it('applies each event once, retries a transient failure, and sends refusals to the DLQ with the reason', async () => {
    const ok = usage('ok-1');
    const transient = usage('transient-1');
    const rejected = usage('reject-1');
    const bug = usage('bug-1');
    const after = usage('ok-2');
    const all = [ok, ok, transient, rejected, bug, after];
    // One key: one partition, so they arrive in this order in one batch.
    await produce(
      TOPICS.connectorUsage,
      all.map((e) => ({ key: connectorEventKey('tenant-probe', 'c'), value: e })),
    );

    await eventually(async () => (await applied([ok.id, transient.id, after.id])).length === 3);
    expect(await applied([rejected.id, bug.id])).toEqual([]);
    expect(failedOnce.has(transient.id)).toBe(true);

    // Other suites' consumers of the run's topic refuse these events too (a resolver gives up
    // waiting for their connection), to the same DLQ: only this consumer's refusals count.
    const mine = (m: ReadMessage) =>
      [rejected.id, bug.id].some((id) => m.value?.includes(id)) && m.headers['x-consumer-group'] === probeGroup;
    const dlq = (await readTopic(dlqTopicOf(TOPICS.connectorUsage), (m) => m.filter(mine).length >= 2)).filter(mine);
    const byCode = Object.fromEntries(dlq.map((m) => [m.headers['x-error-code'], m]));
    expect(Object.keys(byCode).sort()).toEqual(['PROCESSING_FAILED', 'UNKNOWN_CONNECTION']);
    expect(byCode.UNKNOWN_CONNECTION.headers['x-error-message']).toContain(rejected.data.connectionId);
    expect(JSON.parse(byCode.UNKNOWN_CONNECTION.value!)).toMatchObject({
      error: { code: 'UNKNOWN_CONNECTION' },
      origin: { topic: `${process.env.KAFKA_TOPIC_PREFIX}${TOPICS.connectorUsage}` },
      value: JSON.stringify(rejected),
    });
    expect(byCode.PROCESSING_FAILED.headers['x-error-message']).toContain('cannot read properties');

    // A refused event is not marked applied, so a fixed resend would be judged again.
    const marked = await query(em(), 'select event_id from processed_event where event_id = any(?::uuid[])', [
      [rejected.id, bug.id],
    ]);
    expect(marked).toEqual([]);
  });

  it('retries a chunk that failed with an error kafkajs would not retry, instead of stopping the consumer', async () => {
    const unrecoverable = usage('unrecoverable-1');
    const after = usage('ok-5');
    await produce(
      TOPICS.connectorUsage,
      [unrecoverable, after].map((e) => ({ key: 'k', value: e })),
    );
    await eventually(async () => (await applied([unrecoverable.id, after.id])).length === 2, 30_000);
    expect(failures.get(unrecoverable.id)).toBe(2);
  });

  it('sends refusals bigger than the broker takes in one batch to the DLQ, cutting a copy too big to send, and goes on', async () => {
    // Not JSON, and all quotes: the DLQ's copy (a JSON string) is twice as long as the original.
    const marker = `too-big-${randomUUID()}`;
    const refused = [...Array.from({ length: 6 }, () => 150_000), 600_000].map(
      (length, i) => `${marker}-${i}${'"'.repeat(length)}`,
    );
    for (const value of refused) await produce(TOPICS.connectorUsage, [{ key: 'big', value }]);
    const after = usage('ok-6');
    await produce(TOPICS.connectorUsage, [{ key: 'big', value: after }]);

    await eventually(async () => (await applied([after.id])).length === 1, 60_000);
    // Only this consumer's refusals (the probe's group), should another consumer of the topic refuse them too.
    const mine = (m: ReadMessage) => m.value?.includes(marker) === true && m.headers['x-consumer-group'] === probeGroup;
    const dlq = (
      await readTopic(dlqTopicOf(TOPICS.connectorUsage), (m) => m.filter(mine).length >= refused.length, 30_000)
    ).filter(mine);
    const copies = dlq.map((m) => JSON.parse(m.value!) as { value: string; valueLength?: number });
    expect(copies.map((c) => c.value.slice(0, marker.length + 2)).sort()).toEqual(
      refused.map((r) => r.slice(0, marker.length + 2)).sort(),
    );
    // The 150k ones whole (300 KB as JSON); the 600k one cut where its JSON form reaches 400,000
    // bytes (about 200k quotes, each escaped), saying how many bytes it had.
    expect(copies.filter((c) => c.valueLength === undefined).map((c) => c.value.length)).toEqual(
      refused.slice(0, 6).map((r) => r.length),
    );
    const [cut, ...more] = copies.filter((c) => c.valueLength !== undefined);
    expect(more).toEqual([]);
    const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;
    expect(cut.valueLength).toBe(refused[6].length);
    expect(cut.value).toBe(refused[6].slice(0, cut.value.length));
    expect(jsonBytes(cut.value)).toBeLessThanOrEqual(400_000);
    expect(jsonBytes(refused[6].slice(0, cut.value.length + 1))).toBeGreaterThan(400_000);
  }, 120_000);

  it('commits the offsets once applied, and a restarted consumer does not see the events again', async () => {
    const first = usage('ok-3');
    await produce(TOPICS.connectorUsage, [{ key: 'k', value: first }]);
    await eventually(async () => (await applied([first.id])).length === 1);
    await app.close();

    // Other suites produce to the same topic: check the offset of this event, not the topic's end.
    const [sent] = (await readTopic(TOPICS.connectorUsage, (ms) => ms.some((m) => m.value?.includes(first.id)))).filter(
      (m) => m.value?.includes(first.id),
    );
    const { kafka, topic } = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({
      groupId: probeGroup,
      topics: [topic(TOPICS.connectorUsage)],
    });
    await admin.disconnect();
    const offset = committed.partitions.find((p) => p.partition === sent.partition)!.offset;
    expect(Number(offset)).toBeGreaterThan(Number(sent.offset));

    ({ app } = await startTestService(probeModule()));
    const second = usage('ok-4');
    await produce(TOPICS.connectorUsage, [{ key: 'k', value: second }]);
    await eventually(async () => (await applied([second.id])).length === 1);
    expect(await applied([first.id])).toEqual([first.id]);
  });

  it('publishes the outbox in order per key and empties it', async () => {
    const keys = ['a', 'b', 'c'].map((k) => `tenant-probe:${k}:${randomUUID()}`);
    const events = Array.from({ length: 1200 }, (_, i) => ({
      topic: TOPICS.resolverViews,
      key: keys[i % 3],
      value: { id: randomUUID(), type: 'probe', tenantId: 'tenant-probe', seq: i },
    }));
    await em().transactional((tx) => addToOutbox(tx, events));
    const read = await readTopic(
      TOPICS.resolverViews,
      (m) => m.filter((x) => keys.includes(x.key!)).length >= 1200,
      30_000,
    );
    for (const key of keys) {
      const seqs = read.filter((m) => m.key === key).map((m) => JSON.parse(m.value!).seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs).toHaveLength(400);
    }
    await eventually(async () => (await query(em(), 'select 1 from outbox_event limit 1')).length === 0);
  });
});
