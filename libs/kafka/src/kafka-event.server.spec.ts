import { Logger } from '@nestjs/common';
import { consumerLag } from './kafka-metrics';
import { kafkaMessage } from './testing-fakes';
import { changes, eventId, startServer, tenantChange } from './testing-server';

// How a partition's batch is applied: cut into chunks, each chunk's events deduped by id and
// handed to the handler in one transaction, and only then its offsets committed.

beforeAll(() => Logger.overrideLogger(false));

describe('KafkaEventServer: chunks of a batch', () => {
  it('applies a batch in chunks of chunkSize, committing the offset after each chunk', async () => {
    const { consumer, applied } = await startServer(async () => [], {}, 2);
    await consumer.deliver(changes(1, 2, 3, 4, 5), 3, '8');
    expect(applied).toEqual([[1, 2], [3, 4], [5]]);
    expect(consumer.commits).toEqual([
      { topic: 't1.tenants.v1', partition: 3, offset: '2' },
      { topic: 't1.tenants.v1', partition: 3, offset: '4' },
      { topic: 't1.tenants.v1', partition: 3, offset: '5' },
    ]);
    expect(consumer.resolved).toEqual(['1', '3', '4']);
    expect(consumer.heartbeats).toBe(3);
    const lag = (await consumerLag.get()).values.find((v) => v.labels.partition === '3');
    expect([lag?.labels.group, lag?.value]).toEqual(['sso-ingest.tenants.v1', 3]);
  });

  it('takes a batch of exactly chunkSize messages as one chunk, and the handler’s chunkSize over the server’s', async () => {
    const { consumer, applied } = await startServer(async () => [], { chunkSize: 3 }, 2);
    await consumer.deliver(changes(1, 2, 3));
    expect(applied).toEqual([[1, 2, 3]]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['3']);
  });

  it('commits nothing for an empty batch', async () => {
    const { consumer, applied, log } = await startServer();
    await consumer.deliver([]);
    expect(applied).toEqual([]);
    expect(log).toEqual([]);
  });

  it('commits the offset after the last one exactly, beyond 2^53', async () => {
    const { consumer } = await startServer();
    await consumer.deliver([kafkaMessage('9007199254740993', tenantChange(1))], 4);
    expect(consumer.commits).toEqual([{ topic: 't1.tenants.v1', partition: 4, offset: '9007199254740994' }]);
  });

  it('stops before the next chunk when the partition is taken away, leaving it uncommitted', async () => {
    const { consumer, applied } = await startServer(async () => void (consumer.assigned = false), {}, 2);
    await consumer.deliver(changes(1, 2, 3, 4));
    expect(applied).toEqual([[1, 2]]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['2']);
  });

  it('passes a failed offset commit on as it is (the coordinator moved), so kafkajs rejoins the group and replays the chunk', async () => {
    const { consumer } = await startServer();
    const moved = Object.assign(new Error('This is not the correct coordinator for this group'), {
      type: 'NOT_COORDINATOR_FOR_GROUP',
    });
    consumer.commitError = moved;
    await expect(consumer.deliver(changes(1))).rejects.toBe(moved);
    expect(consumer.resolved).toEqual([]);
  });
});

describe('KafkaEventServer: event-id dedupe', () => {
  it('skips events whose id was applied before: a redelivered chunk applies only the new ones', async () => {
    const { consumer, applied } = await startServer();
    await consumer.deliver(changes(1, 2));
    await consumer.deliver([kafkaMessage(0, tenantChange(1)), kafkaMessage(1, tenantChange(3))]);
    expect(applied).toEqual([[1, 2], [3]]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['2', '2']);
  });

  it('applies an id that comes twice in one chunk once', async () => {
    const { server, consumer, applied } = await startServer();
    await consumer.deliver(changes(1, 2, 1));
    expect(applied).toEqual([[1, 2]]);
    expect(server.applied).toBe(2);
  });

  it('does not call the handler for a chunk of known ids, and still commits it', async () => {
    const { consumer, applied } = await startServer();
    await consumer.deliver(changes(1));
    await consumer.deliver(changes(1));
    expect(applied).toEqual([[1]]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['1', '1']);
  });

  it('forgets the id of a refused event, so a resend is judged again', async () => {
    const { consumer, applied, db } = await startServer(async (_, call) =>
      call === 1 ? [{ eventId: eventId(1), code: 'UNKNOWN_CONNECTION', reason: 'not yet' }] : [],
    );
    await consumer.deliver(changes(1));
    expect(db.processed.size).toBe(0);
    await consumer.deliver(changes(1));
    expect(applied).toEqual([[1], [1]]);
    expect([...db.processed]).toEqual([eventId(1)]);
  });

  it('with idempotentByNaturalKey keeps no ids: a replay reaches the handler again, a repeat within a chunk does not', async () => {
    const { consumer, applied, db } = await startServer(async () => [], { idempotentByNaturalKey: true });
    await consumer.deliver(changes(1, 1));
    await consumer.deliver(changes(1));
    expect(applied).toEqual([[1], [1]]);
    expect(db.statements).toEqual([]);
  });
});
