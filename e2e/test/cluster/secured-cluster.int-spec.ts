// SPEC §7 on a secured cluster of its own (tools/kafka/cluster.ts, SASL/SCRAM-SHA-512 and the
// StandardAuthorizer with libs/contracts' ACLs): each principal may do what its row of
// docs/security.md says and nothing else. npm test runs it on one node; npm run test:cluster
// on three (CLUSTER_NODES).
import { credentials, grantAcls, startCluster, stopCluster } from '../../../tools/kafka/cluster';
import { TOPICS } from '@org/contracts';
import { createKafka, ensureTopics } from '@org/kafka';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODES = Number(process.env.CLUSTER_NODES ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-'));
process.env.KAFKA_CLUSTER_DIR = dir;
// Ports of its own, away from a cluster npm start may run (19092…).
process.env.KAFKA_CLUSTER_PORT = String(29_092 + (process.pid % 50) * 3);

describe(`a secured ${NODES}-node cluster: least privilege`, () => {
  let brokers: string[];
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}secured.`;
  const as = (username: string, password = credentials().principals[username] ?? credentials().admin) =>
    createKafka({
      brokers,
      clientId: `test-${username}`,
      topicPrefix: prefix,
      sasl: { mechanism: 'scram-sha-512', username, password },
    });

  beforeAll(async () => {
    ({ brokers } = await startCluster(NODES));
    await ensureTopics(as('admin', credentials().admin), prefix);
    await grantAcls(prefix);
  }, 240_000);
  afterAll(async () => {
    await stopCluster();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (username: string, topic: string, password?: string) => {
    const producer = as(username, password).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1 },
    });
    try {
      await producer.connect();
      await producer.send({ topic: `${prefix}${topic}`, acks: -1, messages: [{ key: 'k', value: '{}' }] });
      return 'sent';
    } catch (error) {
      // The broker's refusal, under the retry wrapper kafkajs puts around it.
      const cause = (error as { cause?: { type?: string; message?: string } }).cause;
      return `${(error as { type?: string }).type ?? cause?.type ?? ''} ${(error as Error).message} ${cause?.message ?? ''}`;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  it('lets each outside producer write its own topics and nothing else', async () => {
    expect(await send('sso-producer', TOPICS.ssoEvents)).toBe('sent');
    expect(await send('connector', TOPICS.connectorSnapshots)).toBe('sent');
    expect(await send('connector', TOPICS.ssoEvents)).toMatch(/AUTHORIZATION_FAILED/);
    expect(await send('sso-producer', TOPICS.connectorUsage)).toMatch(/AUTHORIZATION_FAILED/);
  });

  it('refuses a wrong password', async () => {
    expect(await send('sso-producer', TOPICS.ssoEvents, 'not-the-password')).toMatch(/SASL|Authentication/i);
  });

  it('does not let the gateway read connector snapshots, nor a service write what another derives', async () => {
    const consumer = as('gateway').consumer({ groupId: `${prefix}gateway.probe`, retry: { retries: 1 } });
    await consumer.connect();
    const refused = await consumer
      .subscribe({ topic: `${prefix}${TOPICS.connectorSnapshots}`, fromBeginning: true })
      .then(() => consumer.run({ eachMessage: async () => undefined }))
      .then(
        () =>
          new Promise<string>((resolve) => {
            consumer.on(consumer.events.CRASH, (e) =>
              resolve(String((e.payload.error as { type?: string }).type ?? e.payload.error)),
            );
            setTimeout(() => resolve('no error'), 15_000);
          }),
      )
      .catch((error: { type?: string; message: string }) => error.type ?? error.message);
    await consumer.disconnect().catch(() => undefined);
    expect(refused).toMatch(/AUTHORIZATION_FAILED|Not authorized/i);
    expect(await send('gateway', TOPICS.tenants)).toBe('sent');
    expect(await send('gateway', TOPICS.resolverViews)).toMatch(/AUTHORIZATION_FAILED/);
    expect(await send('provisioning-resolver', TOPICS.resolverViews)).toBe('sent');
  });
});
