// SPEC §7 on a secured cluster of its own (tools/kafka/cluster.ts, SASL/SCRAM-SHA-512 and the
// StandardAuthorizer with libs/contracts' ACLs): each principal may do what its row of
// docs/security.md says and nothing else. npm test runs it on one node; npm run test:cluster
// on three (CLUSTER_NODES), where the product then runs on it, each service as its own
// principal, and loses the broker that leads most partitions mid-ingest.
import {
  busiestLeader,
  credentials,
  grantAcls,
  killNode,
  startCluster,
  startNode,
  stopCluster,
  untilInSync,
} from '../../../tools/kafka/cluster';
import { TOPICS } from '@org/contracts';
import { createKafka, ensureTopics } from '@org/kafka';
import { scopeOf, type SecuredKafka } from '@org/testing';
import {
  expectSettledAsReference,
  feedHistory,
  type Isolated,
  isolatedProduct,
  lagOf,
  lossAndDuplication,
  recordFigures,
  SIZE,
} from '../chaos/chaos';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODES = Number(process.env.CLUSTER_NODES ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-'));
process.env.KAFKA_CLUSTER_DIR = dir;
// Ports of its own, away from a cluster npm start may run (19092…).
process.env.KAFKA_CLUSTER_PORT = String(29_092 + (process.pid % 50) * 3);

let brokers: string[];
beforeAll(async () => {
  ({ brokers } = await startCluster(NODES));
}, 240_000);
afterAll(async () => {
  await stopCluster();
  rmSync(dir, { recursive: true, force: true });
});

describe(`a secured ${NODES}-node cluster: least privilege`, () => {
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}secured.`;
  const as = (username: string, password = credentials().principals[username] ?? credentials().admin) =>
    createKafka({
      brokers,
      clientId: `test-${username}`,
      topicPrefix: prefix,
      sasl: { mechanism: 'scram-sha-512', username, password },
    });

  beforeAll(async () => {
    await ensureTopics(as('admin', credentials().admin), prefix);
    await grantAcls(prefix);
  }, 120_000);

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

// A leader lost is only survivable with replicas: three nodes (npm run test:cluster).
(NODES >= 3 ? describe : describe.skip)('the product on the secured cluster', () => {
  let p: Isolated | undefined;
  afterAll(() => p?.close(), 300_000);

  it('loses the broker leading most partitions mid-ingest (SIGKILL): nothing lost or duplicated, the fault-free views, the ISR back to 3', async () => {
    const { admin, principals } = credentials();
    const secured: SecuredKafka = {
      admin: { mechanism: 'scram-sha-512', username: 'admin', password: admin },
      principals,
    };
    const where = { brokers: brokers.join(','), secured };
    const topicPrefix = scopeOf('broker-loss', where).topicPrefix;
    await grantAcls(topicPrefix);
    p = await isolatedProduct('broker-loss', where);
    const product = p;
    let fault: { node: number; leads: number; partitions: number; lagAtKill: number; killedAt: number } | undefined;
    let restartedAt = 0;
    const history = await feedHistory(product, SIZE, async () => {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
      const leader = await busiestLeader(topicPrefix);
      const lagAtKill = await lagOf(product);
      killNode(leader.node);
      fault = { ...leader, lagAtKill, killedAt: Date.now() };
      // Past the brokers' session (9 s): the node is fenced and its partitions led by the others.
      await new Promise((r) => setTimeout(r, 20_000));
      await startNode(leader.node);
      restartedAt = Date.now();
    });
    expect(fault!.lagAtKill).toBeGreaterThan(0); // the fault hit while there was work to do
    expect(fault!.leads).toBeGreaterThan(0);
    expect(product.all.filter((s) => s.process.exitCode !== null).map((s) => s.name)).toEqual([]); // no service died
    const { after, reference } = await expectSettledAsReference(product, history);
    expect(lossAndDuplication(reference, after)).toEqual({ lost: 0, duplicated: 0 });
    const inSyncMs = await untilInSync(topicPrefix);
    recordFigures('cluster-broker-loss', {
      events: history.events,
      killed: fault,
      settledAfterRestartMs: Date.now() - restartedAt,
      inSyncAfterSettleMs: inSyncMs,
      ...lossAndDuplication(reference, after),
    });
  }, 1_800_000);
});
