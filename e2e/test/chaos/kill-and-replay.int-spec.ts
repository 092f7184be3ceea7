// Reliability (issue 8): services killed with SIGKILL at random moments while a history is
// ingested — logins, connections with their lifecycle, snapshots, a deletion and its
// rebuild — end with the same views and the same counts as a fault-free run of the same
// history; then every input topic replayed from offset 0 changes nothing.
import { dlqTopicOf, TOPICS } from '@org/contracts';
import { createKafka } from '@org/kafka';
import { readTopic, startServiceProcess } from '@org/testing';
import { Client } from 'pg';
import { feedHistory, FULL, type Isolated, isolatedProduct, settled, viewsOf } from './chaos';

const SIZE = FULL
  ? { instances: 40, users: 1_500, days: 365, everyDays: 15 }
  : { instances: 6, users: 150, days: 120, everyDays: 4 };
const KILLS = FULL ? 20 : 4;
const BACKENDS = ['sso-ingest', 'connector-registry', 'provisioning-resolver'];
const INPUTS = [TOPICS.ssoEvents, TOPICS.connectorSnapshots, TOPICS.connectorUsage, TOPICS.registryConnections];

async function loginRows(product: Isolated): Promise<number> {
  const db = new Client({ connectionString: product.databaseUrl });
  await db.connect();
  try {
    // sso-ingest keeps each (instance, user)'s logins as distinct quarter hours.
    return (await db.query('select coalesce(sum(cardinality(quarters)), 0)::int as n from sso_ingest.login_history'))
      .rows[0].n;
  } finally {
    await db.end();
  }
}

/** What reached the input topics' DLQs, as `topic code: message` lines (none, when nothing was refused). */
async function refusals(product: Isolated): Promise<string[]> {
  const lines: string[] = [];
  for (const [topic, count] of Object.entries(await dlqCounts(product))) {
    if (!count) continue;
    for (const m of await readTopic(topic, (read) => read.length >= count, 10_000, product.prefix)) {
      const error = JSON.parse(m.value ?? '{}').error ?? {};
      lines.push(`${topic} ${error.code}: ${error.message}`);
    }
  }
  return lines;
}

/**
 * Refusals the history itself explains, whatever the order the topics are read in: snapshots
 * of the reconnected connection taken while it was disconnected (R10, reported when the
 * periods are known on arrival), and snapshots of the deleted connection that arrive after
 * its deletion (R12 removes them anyway; R15). Returns any other: lost or broken input.
 */
function unexplained(refused: string[]): string[] {
  return refused.filter((r) => !/ OUTSIDE_CONNECTED_PERIOD: snapshot s1-/.test(r) && !/ CONNECTION_DELETED: /.test(r));
}

async function dlqCounts(product: Isolated): Promise<Record<string, number>> {
  const admin = createKafka({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'dlq',
    topicPrefix: '',
  }).admin();
  await admin.connect();
  try {
    const counts: Record<string, number> = {};
    for (const topic of INPUTS.map(dlqTopicOf)) {
      counts[topic] = 0;
      for (const p of await admin.fetchTopicOffsets(`${product.prefix}${topic}`))
        counts[topic] += Number(p.high) - Number(p.low);
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

describe('chaos: kill -9 and replay', () => {
  let reference: { hash: string; views: Record<string, unknown>; logins: number; sent: number };
  const products: Isolated[] = [];
  afterAll(async () => {
    await Promise.all(products.map((p) => p.close()));
  }, 180_000);

  it('a fault-free run, for reference', async () => {
    const product = await isolatedProduct('chaos-reference');
    products.push(product);
    const history = await feedHistory(product, SIZE);
    await settled(product);
    reference = {
      ...(await viewsOf(product, history)),
      logins: await loginRows(product),
      sent: history.logins,
    };
    expect(unexplained(await refusals(product))).toEqual([]);
    // Every login is its own quarter hour; social ones count for nothing (R2) and are not kept.
    expect(reference.logins).toBe(history.ssoLogins);
  }, 900_000);

  it(`${KILLS} kills of every service while ingesting: nothing lost, nothing duplicated, the same views`, async () => {
    const product = await isolatedProduct('chaos-kills');
    products.push(product);
    const killed: string[] = [];
    const victims = ['gateway', ...BACKENDS];
    const history = await feedHistory(product, SIZE, async () => {
      for (let k = 0; k < KILLS - 1; k++) {
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 1_500));
        const victim = victims[k % victims.length];
        await product.kill(victim);
        killed.push(victim);
      }
    });
    // The last kill hits the resolver while it rebuilds after the deletion.
    await new Promise((r) => setTimeout(r, 300));
    await product.kill('provisioning-resolver');
    killed.push('provisioning-resolver');
    await settled(product);
    const after = await viewsOf(product, history);
    expect(new Set(killed)).toEqual(new Set(victims));
    expect(await loginRows(product)).toBe(reference.logins);
    expect(unexplained(await refusals(product))).toEqual([]);
    expect(after.views).toEqual(reference.views);
    expect(after.hash).toBe(reference.hash);

    // Replay: every consumer group back to offset 0 of every topic, then the same views again.
    // Stopped cleanly, so their consumers leave their groups at once (offsets of an active group cannot be reset).
    await Promise.all(product.all.filter((s) => BACKENDS.includes(s.name)).map((s) => s.stop()));
    const admin = createKafka({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      clientId: 'replay',
      topicPrefix: '',
    }).admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(product.prefix) && !g.includes('view-cache'));
    let reset = 0;
    for (let empty = false; !empty; await new Promise((r) => setTimeout(r, 500)))
      empty = (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Empty' || g.state === 'Dead');
    for (const groupId of groups)
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        await admin.resetOffsets({ groupId, topic, earliest: true });
        reset++;
      }
    await admin.disconnect();
    expect(reset).toBeGreaterThanOrEqual(INPUTS.length);
    for (const name of BACKENDS) await product.start(name);
    await settled(product);
    const replayed = await viewsOf(product, history);
    expect(await loginRows(product)).toBe(reference.logins);
    expect(replayed.views).toEqual(reference.views);
    expect(replayed.hash).toBe(reference.hash);
  }, 1_800_000);

  it('two resolvers in one consumer group, one killed while ingesting: the other takes over, the same views', async () => {
    const product = await isolatedProduct('chaos-two-resolvers');
    products.push(product);
    // A second resolver with the same database and consumer groups: the partitions are split between the two.
    const second = await startServiceProcess('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', {
      KAFKA_TOPIC_PREFIX: product.prefix,
      DATABASE_URL: product.databaseUrl,
    });
    const history = await feedHistory(product, SIZE, async () => {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
      second.process.kill('SIGKILL');
    });
    expect(second.process.signalCode).toBe('SIGKILL');
    await settled(product);
    const after = await viewsOf(product, history);
    expect(unexplained(await refusals(product))).toEqual([]);
    expect(await loginRows(product)).toBe(reference.logins);
    expect(after.views).toEqual(reference.views);
  }, 900_000);
});
