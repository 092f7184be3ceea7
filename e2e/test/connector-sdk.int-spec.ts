// The SDK against the real broker: pages of one syncId with the contract's keys, logins
// keyed per instance, every value a valid event, and a resend of the same list is the same
// syncId (consumers dedupe it by natural key).
import {
  connectorEventKey,
  connectorSnapshotSchema,
  ssoEventKey,
  ssoLoginSchema,
  TOPICS,
  type ConnectorSnapshotEvent,
} from '@org/contracts';
import { ConnectorClient } from '@org/connector-sdk';
import { type ReadMessage, readTopic } from '@org/testing';
import { randomUUID } from 'node:crypto';

describe('ConnectorClient', () => {
  let client: ConnectorClient;
  const readOwn = (topic: string, until: (all: ReadMessage[]) => boolean) => readTopic(topic, until, 20_000);
  beforeAll(() => {
    client = new ConnectorClient({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      topicPrefix: process.env.KAFKA_TOPIC_PREFIX!,
      pageSize: 4,
    });
  });
  afterAll(() => client.close());

  it('sends a snapshot as pages of one syncId, keyed by connection', async () => {
    const connectionId = randomUUID();
    const users = Array.from({ length: 10 }, (_, i) => ({
      userId: `u${i}`,
      email: `u${i}@example.com`,
      tier: i % 2 ? 'Pro' : null,
      status: i === 9 ? 'suspended' : 'active',
    }));
    const sent = await client.sendSnapshot('acme', { connectionId, asOf: '2026-11-01T00:00:00Z', users });
    expect(sent.pages).toBe(3);

    const mine = (all: ReadMessage[]) => all.filter((m) => m.value?.includes(connectionId));
    const read = mine(await readOwn(TOPICS.connectorSnapshots, (all) => mine(all).length === 3));
    expect(new Set(read.map((m) => m.key))).toEqual(new Set([connectorEventKey('acme', connectionId)]));
    const pages = read.map((m) => connectorSnapshotSchema.parse(JSON.parse(m.value!)) as ConnectorSnapshotEvent);
    expect(pages.map((p) => [p.data.page, p.data.pageCount, p.data.syncId])).toEqual([
      [1, 3, sent.syncId],
      [2, 3, sent.syncId],
      [3, 3, sent.syncId],
    ]);
    expect(pages.flatMap((p) => p.data.users)).toEqual(users);
    expect(new Set(pages.map((p) => p.id)).size).toBe(3);
  });

  it('sends logins keyed by instance, in order', async () => {
    const ssoConnectionId = randomUUID();
    const logins = Array.from({ length: 6 }, (_, i) => ({
      ssoConnectionId,
      ssoAppId: `app-${i % 2}`,
      appKey: 'zoom',
      appName: 'Zoom',
      userId: `u${i}`,
      email: `u${i}@example.com`,
      method: 'sso' as const,
      at: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
    }));
    expect(await client.sendLogins('acme', logins)).toEqual({ sent: 6 });
    const mine = (all: ReadMessage[]) => all.filter((m) => m.value?.includes(ssoConnectionId));
    const read = mine(await readOwn(TOPICS.ssoEvents, (all) => mine(all).length === 6));
    for (const m of read) {
      const event = ssoLoginSchema.parse(JSON.parse(m.value!));
      expect(m.key).toBe(ssoEventKey('acme', ssoConnectionId, event.data.ssoAppId));
    }
    const app0 = read.map((m) => JSON.parse(m.value!).data).filter((d) => d.ssoAppId === 'app-0');
    expect(app0.map((d) => d.userId)).toEqual(['u0', 'u2', 'u4']);
  });
});
