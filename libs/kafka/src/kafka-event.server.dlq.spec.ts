import { Logger } from '@nestjs/common';
import { kafkaMessage } from './testing-fakes';
import { changes, eventId, startServer, tenantChange } from './testing-server';

// Which messages go to `<topic>.dlq`, and with what: what does not parse, what the handler
// refuses (returned or thrown), the rest applied; the offsets committed after the DLQ send.

beforeAll(() => Logger.overrideLogger(false));

const domainError = (code: string, message = 'refused') => Object.assign(new Error(message), { code });

describe('KafkaEventServer: what goes to the DLQ', () => {
  it('sends unparsable messages to the DLQ with the reason and where they came from, and applies the rest', async () => {
    const { consumer, applied, dlq, log } = await startServer();
    const wrongSchema = JSON.stringify({ ...JSON.parse(tenantChange(9)), data: { name: 'Acme' } });
    await consumer.deliver([
      kafkaMessage(10, tenantChange(1)),
      kafkaMessage(11, '{oops'),
      kafkaMessage(12, null),
      kafkaMessage(13, wrongSchema),
      kafkaMessage(14, tenantChange(2)),
    ]);
    expect(applied).toEqual([[1, 2]]);
    const refused = dlq();
    expect(refused.map((m) => [m.topic, m.headers!['x-origin-offset'], m.headers!['x-error-code']])).toEqual([
      ['t1.tenants.v1.dlq', '11', 'INVALID_PAYLOAD'],
      ['t1.tenants.v1.dlq', '12', 'INVALID_PAYLOAD'],
      ['t1.tenants.v1.dlq', '13', 'INVALID_PAYLOAD'],
    ]);
    expect(refused[0].headers!['x-error-message']).toMatch(/^not JSON: /);
    expect(refused[1].headers!['x-error-message']).toBe('empty message value');
    expect(refused[2].headers!['x-error-message']).toMatch(/^tenant\.changed: data\.timeZone: /);
    expect(log).toEqual(['begin', 'apply', 'commit', 'send t1.tenants.v1.dlq', 'commit offset 15']);
  });

  it('writes the DLQ message with the key, the reason in headers and value, and the original value', async () => {
    const { consumer, dlq } = await startServer();
    await consumer.deliver([kafkaMessage(7, null, 'tenant-b')], 2);
    expect(dlq()).toEqual([
      {
        topic: 't1.tenants.v1.dlq',
        key: 'tenant-b',
        value: {
          error: { code: 'INVALID_PAYLOAD', message: 'empty message value' },
          origin: { topic: 't1.tenants.v1', partition: 2, offset: '7', timestamp: '1767225600000' },
          key: 'tenant-b',
          value: null,
        },
        headers: {
          'x-error-code': 'INVALID_PAYLOAD',
          'x-error-message': 'empty message value',
          'x-origin-topic': 't1.tenants.v1',
          'x-origin-partition': '2',
          'x-origin-offset': '7',
          'x-consumer-group': 't1.sso-ingest.tenants.v1',
        },
      },
    ]);
  });

  it('cuts the copy of an oversized value at 400,000 bytes and the reason header at 1,000 characters', async () => {
    const long = 'x'.repeat(500_000);
    const { consumer, dlq } = await startServer(async () => [
      { eventId: eventId(1), code: 'TENANT_MISMATCH', reason: 'r'.repeat(1500) },
    ]);
    await consumer.deliver([kafkaMessage(0, long), kafkaMessage(1, tenantChange(1))]);
    const [oversized, rejected] = dlq();
    expect([oversized.value.value.length, oversized.value.valueLength]).toEqual([400_000, 500_000]);
    expect(oversized.value.value).toBe(long.slice(0, 400_000));
    expect(rejected.headers!['x-error-message']).toBe('r'.repeat(1000));
    expect(rejected.value.error.message).toBe('r'.repeat(1500));
  });

  it('keeps the DLQ message of a 1,047,000-byte value of 3-byte characters under the broker’s 1 MB', async () => {
    const { consumer, kafka } = await startServer();
    await consumer.deliver([kafkaMessage(0, '€'.repeat(349_000))]);
    const [sent] = kafka.producers.flatMap((p) => p.sent);
    expect(Buffer.byteLength(String(sent.value))).toBeLessThan(1_000_000);
  });

  it('sends the events the handler refuses to the DLQ with its code, and commits the others', async () => {
    const { server, consumer, applied, dlq, db } = await startServer(async () => [
      { eventId: eventId(2), code: 'TENANT_MISMATCH', reason: 'tenant-a does not own it' },
    ]);
    await consumer.deliver(changes(1, 2, 3));
    expect(applied).toEqual([[1, 2, 3]]);
    expect(dlq().map((m) => [m.headers!['x-origin-offset'], m.value.error])).toEqual([
      ['1', { code: 'TENANT_MISMATCH', message: 'tenant-a does not own it' }],
    ]);
    expect([server.applied, server.rejected]).toEqual([2, 1]);
    expect([...db.processed]).toEqual([eventId(1), eventId(3)]);
  });

  it.each([
    ['a rule’s refusal', 'UNKNOWN_CONNECTION', domainError('UNKNOWN_CONNECTION')],
    ['an unknown error, the database answering,', 'PROCESSING_FAILED', new Error('boom')],
    ['INTERNAL, the database answering,', 'PROCESSING_FAILED', domainError('INTERNAL')],
    ['a constraint violation (23505)', 'PROCESSING_FAILED', domainError('23505', 'duplicate key')],
  ])('sends an event whose handler throws %s to the DLQ as %s', async (_, code, error) => {
    const { consumer, dlq } = await startServer(async () => {
      throw error;
    });
    await consumer.deliver(changes(1));
    expect(dlq().map((m) => [m.headers!['x-error-code'], m.headers!['x-error-message']])).toEqual([
      [code, error.message],
    ]);
    expect(consumer.commits.map((c) => c.offset)).toEqual(['1']);
  });

  it('finds the one event a chunk fails on by applying the events one by one', async () => {
    const { server, consumer, applied, dlq, db } = await startServer(async ({ events }) => {
      if (events.some((e) => e.id === eventId(2))) throw domainError('UNKNOWN_CONNECTION', 'no connection c2');
    });
    await consumer.deliver(changes(1, 2, 3));
    expect(applied).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(dlq().map((m) => [m.headers!['x-origin-offset'], m.headers!['x-error-code']])).toEqual([
      ['1', 'UNKNOWN_CONNECTION'],
    ]);
    expect(server.applied).toBe(2);
    expect([...db.processed].sort()).toEqual([eventId(1), eventId(3)]);
  });

  it('commits the offsets only after the transaction and the DLQ send', async () => {
    const { consumer, log } = await startServer(async () => [
      { eventId: eventId(1), code: 'TENANT_MISMATCH', reason: 'no' },
    ]);
    await consumer.deliver(changes(1, 2));
    expect(log).toEqual(['begin', 'apply', 'commit', 'send t1.tenants.v1.dlq', 'commit offset 2']);
  });

  it('runs afterCommit callbacks once the transaction committed, not when it rolled back', async () => {
    const order: string[] = [];
    const { consumer, log } = await startServer(async ({ afterCommit }, call) => {
      afterCommit(() => order.push(`woken after ${log.at(-1)}`));
      if (call === 1) throw domainError('UNKNOWN_CONNECTION');
    });
    await consumer.deliver(changes(1));
    expect(order).toEqual([]);
    await consumer.deliver([kafkaMessage(1, tenantChange(2))]);
    expect(order).toEqual(['woken after commit']);
  });
});
