// The SDK's retries: a snapshot sent while the broker is down arrives once it is back —
// every page, once — instead of failing the connector's sync.
import { connectorSnapshotSchema, TOPICS } from '@org/contracts';
import { ConnectorClient } from '@org/connector-sdk';
import { createKafka, ensureTopics } from '@org/kafka';
import { startPrivateBroker } from '@org/testing';
import { randomUUID } from 'node:crypto';

describe('ConnectorClient while the broker is down', () => {
  let broker: Awaited<ReturnType<typeof startPrivateBroker>>;
  beforeAll(async () => {
    broker = await startPrivateBroker();
    await ensureTopics(createKafka({ brokers: [broker.brokers], clientId: 'sdk-down', topicPrefix: '' }), '');
  }, 120_000);
  afterAll(() => broker?.remove());

  it('retries until the broker is back, and every page arrives once', async () => {
    const client = new ConnectorClient({ brokers: [broker.brokers], pageSize: 3, attempts: 8 });
    const connectionId = randomUUID();
    const users = Array.from({ length: 7 }, (_, i) => ({
      userId: `u${i}`,
      email: `u${i}@x.test`,
      tier: null,
      status: 'active',
    }));
    // Connected once, then the broker goes away.
    await client.sendSnapshot('acme', { connectionId, asOf: new Date().toISOString(), users: users.slice(0, 1) });
    broker.stop();
    const sending = client.sendSnapshot('acme', { connectionId, asOf: new Date().toISOString(), users });
    let settled = false;
    void sending.finally(() => (settled = true)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(settled).toBe(false); // still retrying, not failed
    broker.start();
    const sent = await sending;
    expect(sent.pages).toBe(3);
    await client.close();

    const consumer = createKafka({ brokers: [broker.brokers], clientId: 'sdk-down-read', topicPrefix: '' }).consumer({
      groupId: `read-${randomUUID()}`,
    });
    const pages: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.connectorSnapshots, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${pages.length} pages`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const event = connectorSnapshotSchema.parse(JSON.parse(message.value!.toString()));
          if (event.data.syncId !== sent.syncId) return;
          pages.push(event.data.page);
          if (pages.length >= 3) {
            clearTimeout(timer);
            setTimeout(resolve, 1_000); // and nothing more after them
          }
        },
      });
    });
    await consumer.disconnect();
    expect(pages.sort()).toEqual([1, 2, 3]);
  }, 120_000);
});
