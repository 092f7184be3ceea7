import { Logger } from '@nestjs/common';
import { dlqMessages } from './kafka-metrics';
import { changes, eventId, startServer } from './testing-server';

// An outage (PostgreSQL, the broker) is waited out in place, heartbeating, and the chunk tried
// again until it applies; what is not an outage goes to the DLQ (kafka-event.server.dlq.spec.ts).

beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
afterEach(() => jest.useRealTimers());

const failure = (props: object, message = 'failed') => Object.assign(new Error(message), props);

describe('KafkaEventServer: waiting out an outage', () => {
  it('retries a failing chunk in place, heartbeating while it waits, and commits once it succeeds', async () => {
    const { consumer, db, applied, log } = await startServer();
    db.down = true;
    const delivered = consumer.deliver(changes(1, 2));
    await jest.advanceTimersByTimeAsync(3_000);
    expect(consumer.commits).toEqual([]);
    db.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    await delivered;
    expect(applied).toEqual([[1, 2]]);
    // waits of 0.5, 1 and 2 s (a heartbeat each second at least), one after the commit
    expect(consumer.heartbeats).toBe(5);
    expect(log).toEqual(['begin', 'apply', 'commit', 'commit offset 2']);
  });

  it('backs off 0.5, 1, 2, 4, 8 s, then every 10 s', async () => {
    const attempts: number[] = [];
    const start = Date.now();
    const { consumer } = await startServer(async (_, call) => {
      attempts.push(Date.now() - start);
      if (call < 8) throw failure({ code: '57P01' }, 'terminating connection due to administrator command');
    });
    const delivered = consumer.deliver(changes(1));
    await jest.advanceTimersByTimeAsync(60_000);
    await delivered;
    expect(attempts).toEqual([0, 500, 1_500, 3_500, 7_500, 15_500, 25_500, 35_500]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['1']);
  });

  it.each([
    ['a deadlock (40P01)', failure({ code: '40P01' })],
    ['a serialization failure (40001)', failure({ code: '40001' })],
    ['a lost connection (08006)', failure({ code: '08006' })],
    ['too many connections (53300)', failure({ code: '53300' })],
    ['ECONNRESET', failure({ code: 'ECONNRESET' })],
    ['a kafkajs error', failure({ name: 'KafkaJSConnectionError' })],
    ['an error marked retryable', failure({ retryable: true })],
    ['SERVICE_UNAVAILABLE', failure({ code: 'SERVICE_UNAVAILABLE' })],
  ])('retries %s instead of sending the event to the DLQ', async (_, error) => {
    const { consumer, applied, dlq } = await startServer(async (__, call) => {
      if (call === 1) throw error;
    });
    const delivered = consumer.deliver(changes(1));
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    expect(applied).toEqual([[1], [1]]);
    expect(dlq()).toEqual([]);
  });

  it('retries an unknown error while the database does not answer, rather than blame the event', async () => {
    const { consumer, db, applied, dlq } = await startServer(async (_, call) => {
      if (call > 1) return;
      db.down = true;
      throw new Error('Connection terminated unexpectedly');
    });
    const delivered = consumer.deliver(changes(1));
    await jest.advanceTimersByTimeAsync(0);
    db.down = false;
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    expect(applied).toEqual([[1], [1]]);
    expect(dlq()).toEqual([]);
  });

  it('retries a whole chunk on a deadlock, not event by event', async () => {
    const { consumer, applied } = await startServer(async (_, call) => {
      if (call === 1) throw failure({ code: '40P01' });
    });
    const delivered = consumer.deliver(changes(1, 2, 3));
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    expect(applied).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('retries a chunk whose DLQ send failed without applying its events twice', async () => {
    const { consumer, kafka, applied, dlq } = await startServer(async ({ events }) =>
      events.filter((e) => e.id === eventId(2)).map((e) => ({ eventId: e.id, code: 'TENANT_MISMATCH', reason: 'no' })),
    );
    kafka.producerConnectErrors.push(failure({ name: 'KafkaJSConnectionError' }, 'Connection timeout'));
    const delivered = consumer.deliver(changes(1, 2));
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    expect(applied).toEqual([[1, 2], [2]]);
    expect(dlq().map((m) => m.headers!['x-origin-offset'])).toEqual(['1']);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['2']);
  });

  it('counts a refusal once although its DLQ send had to be retried', async () => {
    const { server, consumer, kafka } = await startServer(async () => [
      { eventId: eventId(1), code: 'TENANT_MISMATCH', reason: 'no' },
    ]);
    const counted = async () =>
      (await dlqMessages.get()).values.find((v) => v.labels.code === 'TENANT_MISMATCH')?.value ?? 0;
    const before = await counted();
    kafka.producerConnectErrors.push(failure({ name: 'KafkaJSConnectionError' }, 'Connection timeout'));
    const delivered = consumer.deliver(changes(1));
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    expect([server.rejected, (await counted()) - before]).toEqual([1, 1]);
  });

  it('gives up the wait without committing when the partition is taken away', async () => {
    const { consumer, db, applied } = await startServer();
    db.down = true;
    const delivered = consumer.deliver(changes(1));
    consumer.assigned = false;
    await jest.advanceTimersByTimeAsync(500);
    await delivered;
    db.down = false;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(applied).toEqual([]);
    expect(consumer.commits).toEqual([]);
  });
});
