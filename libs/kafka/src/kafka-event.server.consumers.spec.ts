import { Logger } from '@nestjs/common';
import { changes, serverOf, startServer, TOPIC } from './testing-server';

// One consumer per topic, replaced when kafkajs gives up on it, all disconnected at shutdown.

beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
afterEach(() => jest.useRealTimers());

const crash = { error: new Error('The group is rebalancing'), groupId: 'g', restart: false };

describe('KafkaEventServer: consumers', () => {
  it('starts one consumer per topic in a group of its own, from the beginning, committing by hand', async () => {
    const { consumer } = await startServer(async () => [], {
      maxBytesPerPartition: 4_194_304,
      partitionsConsumedConcurrently: 2,
    });
    expect(consumer.config).toMatchObject({
      groupId: 't1.sso-ingest.tenants.v1',
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxBytesPerPartition: 4_194_304,
      maxBytes: 8_388_608,
    });
    expect(consumer.subscriptions).toEqual([{ topic: 't1.tenants.v1', fromBeginning: true }]);
    expect(consumer.runConfig).toMatchObject({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
    });
  });

  it('is ready once every consumer joined its group; shutdown disconnects them all', async () => {
    const { kafka, server } = serverOf([TOPIC, 'sso.activity.v1']);
    server.listen(() => undefined);
    const [first, second] = kafka.consumers;
    await Promise.all([first.running, second.running]);
    first.emit(first.events.GROUP_JOIN);
    expect(server.ready).toBe(false);
    second.emit(second.events.GROUP_JOIN);
    expect(server.ready).toBe(true);
    await server.close();
    expect([first.disconnects, second.disconnects, server.unwrap<unknown[]>()]).toEqual([1, 1, []]);
  });

  // close() disconnects the consumers listed so far; one still connecting or subscribing (the
  // broker slow at shutdown) must not be subscribed or run after it.
  it('never runs a consumer that was still connecting at shutdown', async () => {
    const { kafka, server } = serverOf([TOPIC]);
    server.listen(() => undefined);
    await server.close();
    await jest.advanceTimersByTimeAsync(0);
    expect([kafka.consumers[0].runConfig, kafka.consumers[0].connected]).toEqual([undefined, false]);
    expect(kafka.consumers[0].subscriptions).toEqual([]);
  });

  it('never runs a consumer that was still subscribing at shutdown', async () => {
    const { kafka, server } = serverOf([TOPIC]);
    server.listen(() => undefined);
    const [consumer] = kafka.consumers;
    let subscribed!: () => void;
    consumer.subscribe = () => new Promise<void>((resolve) => (subscribed = resolve));
    await jest.advanceTimersByTimeAsync(0);
    await server.close();
    subscribed();
    await jest.advanceTimersByTimeAsync(0);
    expect([consumer.runConfig, consumer.connected, consumer.disconnects]).toEqual([undefined, false, 1]);
  });

  it('retries a consumer that cannot connect with a new one, disconnecting the failed one', async () => {
    const { kafka, server } = serverOf([TOPIC]);
    kafka.consumerConnectErrors.push(new Error('Connection error: ECONNREFUSED'));
    server.listen(() => undefined);
    await jest.advanceTimersByTimeAsync(500);
    const [failed, replacement] = kafka.consumers;
    await replacement.running;
    expect([failed.disconnects, kafka.consumers.length]).toEqual([1, 2]);
    expect(server.unwrap()).toEqual([replacement]);
  });

  it('retries a consumer that cannot subscribe with a new one, disconnecting and unlisting the failed one', async () => {
    const { kafka, server } = serverOf([TOPIC]);
    server.listen(() => undefined);
    const [failed] = kafka.consumers;
    failed.subscribe = async () => {
      throw new Error('This server does not host this topic-partition');
    };
    await jest.advanceTimersByTimeAsync(500);
    const replacement = kafka.consumers[1];
    await replacement.running;
    expect([failed.connected, failed.disconnects, failed.runConfig]).toEqual([false, 1, undefined]);
    expect(server.unwrap()).toEqual([replacement]);
  });

  it('replaces a consumer kafkajs gave up on after 5 s: subscribed again, listed instead of the old one', async () => {
    const { server, kafka, consumer, applied } = await startServer();
    consumer.emit(consumer.events.GROUP_JOIN);
    consumer.emit(consumer.events.CRASH, crash);
    expect([server.ready, server.unwrap()]).toEqual([false, []]);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(kafka.consumers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    const replacement = kafka.consumers[1];
    await replacement.running;
    expect(replacement.subscriptions).toEqual([{ topic: 't1.tenants.v1', fromBeginning: true }]);
    expect(server.unwrap()).toEqual([replacement]);
    replacement.emit(replacement.events.GROUP_JOIN);
    expect(server.ready).toBe(true);
    await replacement.deliver(changes(1));
    expect(applied).toEqual([[1]]);
  });

  it('leaves a consumer kafkajs restarts itself in place', async () => {
    const { server, kafka, consumer } = await startServer();
    consumer.emit(consumer.events.CRASH, { ...crash, restart: true });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(kafka.consumers).toEqual([consumer]);
    expect(server.unwrap()).toEqual([consumer]);
  });

  it('does not replace a consumer that crashes during shutdown', async () => {
    const { server, kafka, consumer } = await startServer();
    await server.close();
    consumer.emit(consumer.events.CRASH, crash);
    await jest.advanceTimersByTimeAsync(10_000);
    expect([kafka.consumers.length, consumer.disconnects]).toEqual([1, 1]);
  });

  it('disconnects the replacement, not the crashed consumer, on shutdown', async () => {
    const { server, kafka, consumer } = await startServer();
    consumer.emit(consumer.events.CRASH, crash);
    await jest.advanceTimersByTimeAsync(5_000);
    await kafka.consumers[1].running;
    await server.close();
    expect([consumer.disconnects, kafka.consumers[1].disconnects, server.unwrap()]).toEqual([0, 1, []]);
  });
});
