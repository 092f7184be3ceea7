import type { Message } from 'kafkajs';
import { EventProducer, requestsOf } from './event-producer';
import { FakeKafka } from './testing-fakes';
import { SETTINGS } from './testing-server';

// A message counts its key, its value, its headers and 64 bytes; a request holds at most 800,000.
const sized = (bytes: number, key = 'k'): Message => ({ key, value: 'v'.repeat(bytes - key.length - 64) });
const shape = (requests: ReturnType<typeof requestsOf>) =>
  requests.map((r) => r.map((t) => `${t.topic}:${t.messages.map((m) => String(m.value).length).join('+')}`));

describe('requestsOf', () => {
  it('cuts nothing out of nothing', () => {
    expect(requestsOf([])).toEqual([]);
    expect(requestsOf([{ topic: 'a', messages: [] }])).toEqual([]);
  });

  it('keeps messages that fill a request exactly in one request, and starts a new one a byte later', () => {
    expect(requestsOf([{ topic: 'a', messages: [sized(400_000), sized(400_000)] }])).toHaveLength(1);
    expect(requestsOf([{ topic: 'a', messages: [sized(400_000), sized(400_001)] }])).toHaveLength(2);
  });

  it('sends a message over the limit alone, between its neighbours', () => {
    const messages = [sized(1_000), sized(900_000), sized(1_000)];
    expect(shape(requestsOf([{ topic: 'a', messages }]))).toEqual([['a:935'], ['a:899935'], ['a:935']]);
  });

  it('keeps the order of topics and messages, grouping neighbours of one topic', () => {
    const requests = requestsOf([
      { topic: 'a', messages: [sized(300_000), sized(300_000)] },
      { topic: 'b', messages: [sized(100_000), sized(300_000)] },
      { topic: 'a', messages: [sized(100)] },
    ]);
    expect(shape(requests)).toEqual([
      ['a:299935+299935', 'b:99935'],
      ['b:299935', 'a:35'],
    ]);
  });

  it('counts bytes, not characters, of string and Buffer keys and values; null counts nothing', () => {
    const euros = { key: null, value: '€'.repeat(133_312) }; // 399,936 bytes + 64
    const buffer = { key: Buffer.alloc(36), value: Buffer.alloc(399_900) };
    expect(requestsOf([{ topic: 'a', messages: [euros, buffer] }])).toHaveLength(1);
    expect(requestsOf([{ topic: 'a', messages: [euros, { ...buffer, key: Buffer.alloc(37) }] }])).toHaveLength(2);
  });

  it('counts headers: key and value of each (an array repeating its key), and 10 bytes of lengths', () => {
    const headed = (value: string) => ({ ...sized(399_973), headers: { h: [value, Buffer.alloc(3)] } }); // + 27
    expect(requestsOf([{ topic: 'a', messages: [sized(400_000), headed('ab')] }])).toHaveLength(1);
    expect(requestsOf([{ topic: 'a', messages: [sized(400_000), headed('abc')] }])).toHaveLength(2);
  });

  it('keeps DLQ messages with their ~0.6 KB of headers out of one over-full request', () => {
    // 630,000 bytes without the headers, over 1.1 MB with them: the broker would refuse it.
    const withHeaders = { ...sized(700), headers: { 'x-error-message': 'm'.repeat(600) } };
    expect(requestsOf([{ topic: 'a.dlq', messages: Array(900).fill(withHeaders) }])).toHaveLength(2);
  });
});

describe('EventProducer', () => {
  it('connects one idempotent producer lazily and sends each request with acks=all to the prefixed topics', async () => {
    const kafka = new FakeKafka();
    const producer = new EventProducer(kafka.asKafka, SETTINGS);
    expect(kafka.producers).toEqual([]);
    await Promise.all([producer.send('tenants.v1', [sized(500_000)]), producer.send('tenants.v1.dlq', [sized(100)])]);
    const [fake] = kafka.producers;
    expect([kafka.producers.length, fake.connects]).toEqual([1, 1]);
    expect(fake.config).toMatchObject({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    expect(fake.requests.map((r) => [r.acks, r.topicMessages!.map((t) => t.topic)])).toEqual([
      [-1, ['t1.tenants.v1']],
      [-1, ['t1.tenants.v1.dlq']],
    ]);
  });

  it('sends the requests of one batch one after the other, and stops at the first failure', async () => {
    const kafka = new FakeKafka();
    const producer = new EventProducer(kafka.asKafka, SETTINGS);
    await producer.send('a', [sized(100)]);
    const [fake] = kafka.producers;
    fake.sendErrors.push(new Error('fake broker error'));
    await expect(producer.send('a', [sized(600_000), sized(600_000)])).rejects.toThrow('fake broker error');
    expect(fake.requests).toHaveLength(1);
  });

  it('starts over with a new producer after a failed send', async () => {
    const kafka = new FakeKafka();
    const producer = new EventProducer(kafka.asKafka, SETTINGS);
    await producer.send('a', [sized(100)]);
    kafka.producers[0].sendErrors.push(new Error('Connection error: ECONNRESET'));
    await expect(producer.send('a', [sized(100)])).rejects.toThrow('ECONNRESET');
    await producer.send('a', [sized(100)]);
    expect(kafka.producers.map((p) => [p.connects, p.disconnects, p.requests.length])).toEqual([
      [1, 1, 1],
      [1, 0, 1],
    ]);
  });

  it('tries a new producer after one that could not connect, discarding it', async () => {
    const kafka = new FakeKafka();
    kafka.producerConnectErrors.push(new Error('Connection timeout'));
    const producer = new EventProducer(kafka.asKafka, SETTINGS);
    await expect(producer.send('a', [sized(100)])).rejects.toThrow('Connection timeout');
    await producer.send('a', [sized(100)]);
    expect(kafka.producers.map((p) => [p.disconnects, p.requests.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('disconnects the connected producer, and nothing when none was made', async () => {
    const kafka = new FakeKafka();
    const producer = new EventProducer(kafka.asKafka, SETTINGS);
    await producer.disconnect();
    await producer.send('a', [sized(100)]);
    await producer.disconnect();
    expect(kafka.producers.map((p) => p.disconnects)).toEqual([1]);
  });
});
