import { EventProducer } from './event-producer';
import { dlqMessages } from './kafka-metrics';
import { OutboxRelay } from './outbox-relay';
import { FakeDatabase, FakeKafka } from './testing-fakes';
import { SETTINGS } from './testing-server';

const rows = [
  { seq: '1', topic: 'tenants.v1', key: 'a', value: { n: 1 } },
  { seq: '2', topic: 'sso.estimates.v1', key: 'b', value: { n: 2 } },
  { seq: '3', topic: 'tenants.v1', key: 'c', value: { n: 3 } },
  { seq: '4', topic: 'tenants.v1.dlq', key: 'd', value: { error: { code: 'UNKNOWN_CONNECTION' } } },
];

function relayOver(outbox: typeof rows, locked = true) {
  const kafka = new FakeKafka();
  const db = new FakeDatabase(kafka.log);
  db.answer = (sql) => {
    if (sql.includes('pg_try_advisory_xact_lock')) return [{ locked }];
    if (sql.includes('from outbox_event order by seq')) return outbox;
    if (sql.startsWith('delete from outbox_event')) kafka.log.push('delete');
    return [];
  };
  return { kafka, db, relay: new OutboxRelay(db.orm, new EventProducer(kafka.asKafka, SETTINGS)) };
}

describe('OutboxRelay.publishBatch', () => {
  it('publishes the rows in order, grouped by topic, then deletes them in the same transaction', async () => {
    const { kafka, db, relay } = relayOver(rows);
    await expect(relay.publishBatch()).resolves.toBe(4);
    expect(kafka.producers[0].sent.map((m) => [m.topic, m.key, m.value])).toEqual([
      ['t1.tenants.v1', 'a', '{"n":1}'],
      ['t1.tenants.v1', 'c', '{"n":3}'],
      ['t1.sso.estimates.v1', 'b', '{"n":2}'],
      ['t1.tenants.v1.dlq', 'd', '{"error":{"code":"UNKNOWN_CONNECTION"}}'],
    ]);
    expect(db.statements.at(-1)!.params).toEqual([['1', '2', '3', '4']]);
    expect(kafka.log).toEqual([
      'begin',
      'send t1.tenants.v1,t1.sso.estimates.v1,t1.tenants.v1.dlq',
      'delete',
      'commit',
    ]);
    expect(relay.published).toBe(4);
  });

  it('counts the DLQ rows it published by topic and code', async () => {
    const before = (await dlqMessages.get()).values.find((v) => v.labels.code === 'UNKNOWN_CONNECTION')?.value ?? 0;
    await relayOver(rows).relay.publishBatch();
    const after = (await dlqMessages.get()).values.find((v) => v.labels.code === 'UNKNOWN_CONNECTION')!;
    expect([after.labels.topic, after.value - before]).toEqual(['tenants.v1', 1]);
  });

  it('keeps the rows when the broker refuses them (the transaction rolls back)', async () => {
    const { kafka, relay } = relayOver(rows);
    kafka.producerConnectErrors.push(new Error('Connection timeout'));
    await expect(relay.publishBatch()).rejects.toThrow('Connection timeout');
    expect(kafka.log).toEqual(['begin', 'rollback']);
    expect(relay.published).toBe(0);
  });

  it('does nothing while another replica holds the lock, or when the outbox is empty', async () => {
    for (const { kafka, relay } of [relayOver(rows, false), relayOver([])]) {
      await expect(relay.publishBatch()).resolves.toBe(0);
      expect(kafka.producers).toEqual([]);
    }
  });
});
