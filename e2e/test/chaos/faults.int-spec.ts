// Reliability (issue 8): one history — logins, connections with their lifecycle, snapshots,
// a deletion and its rebuild — ingested once without faults, for reference, then again under
// each fault: kill -9 of every service at random moments, then a replay of every input from
// offset 0; two resolvers sharing the work, one killed; the broker stopped and restarted; the
// database stopped and restarted. Each run must end with the reference's views (a hash per
// instance) and its exact counts, with no hand but the fault's.
import { TOPICS } from '@org/contracts';
import { createKafka } from '@org/kafka';
import { metricSample, startPrivateBroker, startPrivatePostgres, startServiceProcess } from '@org/testing';
import {
  allReady,
  feedHistory,
  FULL,
  INPUTS,
  type Isolated,
  isolatedProduct,
  lagOf,
  lossAndDuplication,
  type Outcome,
  outcomeOf,
  recordFigures,
  settled,
} from './chaos';

const SIZE = FULL
  ? { instances: 40, users: 1_500, days: 365, everyDays: 15 }
  : { instances: 6, users: 150, days: 120, everyDays: 4 };
const KILLS = FULL ? 20 : 4;
/** How long the broker and the database stay down: longer than a consumer's session (30 s), whose heartbeats must go on. */
const OUTAGE_MS = 40_000;
/** Full size, the kill case settles slowly: every kill of a backend stalls its partitions for the 30 s session timeout. */
const SETTLE_MS = FULL ? 1_800_000 : 300_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BACKENDS = ['sso-ingest', 'connector-registry', 'provisioning-resolver'];

/** Events of `topic` a service has applied since its process started (its /metrics). */
async function appliedSince(p: Isolated, service: string, topic: string): Promise<number> {
  const text = await (await fetch(`${p.all.find((s) => s.name === service)!.url}/metrics`)).text();
  return metricSample(text, 'kafka_events_applied_total', { topic }) ?? 0;
}

describe('chaos: the same history under faults', () => {
  let reference: Outcome;
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    // Products first, then the private broker or database they ran on.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(e));
  }, 300_000);

  /** The checks every faulty run ends with: the reference's views and counts, nothing refused that the history does not explain. */
  function expectAsReference(after: Outcome): void {
    expect(after.unexplained).toEqual([]);
    expect(after.logins).toBe(reference.logins);
    expect(after.views).toEqual(reference.views);
    expect(after.hash).toBe(reference.hash);
  }

  async function product(name: string, where?: Parameters<typeof isolatedProduct>[1]): Promise<Isolated> {
    const p = await isolatedProduct(name, where);
    cleanups.push(() => p.close());
    return p;
  }

  it('a fault-free run, for reference', async () => {
    const p = await product('chaos-reference');
    const started = Date.now();
    const history = await feedHistory(p, SIZE);
    await settled(p, SETTLE_MS);
    reference = await outcomeOf(p, history);
    expect(reference.unexplained).toEqual([]);
    // Every login is its own quarter hour; social ones count for nothing (R2) and are not kept.
    expect(reference.logins).toBe(history.ssoLogins);
    recordFigures('reference', { events: history.events, logins: history.logins, settledMs: Date.now() - started });
  }, 1_800_000);

  it(`${KILLS} kills of every service while ingesting: nothing lost, nothing duplicated, the same views; then a replay from offset 0`, async () => {
    const p = await product('chaos-kills');
    const kills: Array<{ service: string; recoveredMs: number }> = [];
    const victims = ['gateway', ...BACKENDS];
    const kill = async (service: string) => {
      const at = Date.now();
      await p.kill(service); // returns once the new process answers /readyz: in its consumer groups again
      kills.push({ service, recoveredMs: Date.now() - at });
    };
    const started = Date.now();
    const history = await feedHistory(p, SIZE, async () => {
      for (let k = 0; k < KILLS - 1; k++) {
        await sleep(200 + Math.random() * 1_500);
        await kill(victims[k % victims.length]);
      }
    });
    // The last kill hits the resolver while it rebuilds after the deletion.
    await sleep(300);
    await kill('provisioning-resolver');
    await settled(p, SETTLE_MS);
    const after = await outcomeOf(p, history);
    expect(new Set(kills.map((k) => k.service))).toEqual(new Set(victims));
    expect(kills).toHaveLength(KILLS);
    expectAsReference(after);
    const settledMs = Date.now() - started;

    // Replay: every consumer group back to offset 0 of every topic, then the same views again.
    // Stopped cleanly, so their consumers leave their groups at once (offsets of an active group cannot be reset).
    await Promise.all(p.all.filter((s) => BACKENDS.includes(s.name)).map((s) => s.stop()));
    const admin = createKafka({ brokers: p.brokers.split(','), clientId: 'replay', topicPrefix: '' }).admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(p.prefix) && !g.includes('view-cache'));
    let reset = 0;
    for (let empty = false; !empty; await sleep(500))
      empty = (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Empty' || g.state === 'Dead');
    for (const groupId of groups)
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        await admin.resetOffsets({ groupId, topic, earliest: true });
        reset++;
      }
    await admin.disconnect();
    expect(reset).toBeGreaterThanOrEqual(INPUTS.length);
    const replayStarted = Date.now();
    for (const name of BACKENDS) await p.start(name);
    await settled(p, SETTLE_MS);
    // The restarted sso-ingest really read the topic again from its start: every login once more.
    const replayedLogins = await appliedSince(p, 'sso-ingest', TOPICS.ssoEvents);
    expect(replayedLogins).toBeGreaterThanOrEqual(history.logins);
    expectAsReference(await outcomeOf(p, history));
    recordFigures('kills', {
      events: history.events,
      kills,
      settledMs,
      ...lossAndDuplication(reference, after),
      replay: {
        groups: groups.length,
        topicsReset: reset,
        loginsApplied: replayedLogins,
        settledMs: Date.now() - replayStarted,
      },
    });
  }, 3_600_000);

  it('two resolvers in one consumer group, one killed while ingesting: the other takes over, the same views', async () => {
    const p = await product('chaos-two-resolvers');
    // A second resolver with the same database and consumer groups: the partitions are split between the two.
    const second = await startServiceProcess('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', {
      KAFKA_TOPIC_PREFIX: p.prefix,
      DATABASE_URL: p.databaseUrl,
    });
    const started = Date.now();
    const history = await feedHistory(p, SIZE, async () => {
      await sleep(1_000 + Math.random() * 1_000);
      second.process.kill('SIGKILL');
    });
    expect(second.process.signalCode).toBe('SIGKILL');
    await settled(p, SETTLE_MS);
    expectAsReference(await outcomeOf(p, history));
    recordFigures('two-resolvers', { events: history.events, settledMs: Date.now() - started });
  }, 1_800_000);

  /** A server the product needs, stopped for OUTAGE_MS while the history is ingested, then started again. */
  interface Outage {
    name: string;
    /** Starts the server; returns where the product finds it, how to stop and start it, and how to remove it. */
    server(): Promise<{
      where: Parameters<typeof isolatedProduct>[1];
      stop(): unknown;
      start(): unknown;
      remove(): unknown;
    }>;
  }
  const outages: Outage[] = [
    {
      name: 'broker',
      server: async () => {
        const broker = await startPrivateBroker();
        return { ...broker, where: { brokers: broker.brokers } };
      },
    },
    {
      name: 'postgres',
      server: async () => {
        const postgres = await startPrivatePostgres();
        return { ...postgres, where: { runDatabaseUrl: postgres.url } };
      },
    },
  ];

  it.each(outages)(
    '$name stopped and restarted mid-ingest: the services recover without a hand, nothing lost',
    async (outage) => {
      const server = await outage.server();
      cleanups.push(async () => server.remove());
      const p = await product(`chaos-${outage.name}`, server.where);
      let restartedAt = 0;
      let lagAtFault = 0;
      let readyMs = 0;
      const history = await feedHistory(p, SIZE, async () => {
        await sleep(1_000 + Math.random() * 1_000);
        lagAtFault = await lagOf(p);
        await server.stop();
        await sleep(OUTAGE_MS);
        await server.start();
        restartedAt = Date.now();
        // Measured while the history is still being sent: every service ready again, by itself.
        readyMs = await allReady(p);
      });
      expect(lagAtFault).toBeGreaterThan(0); // the fault hit while there was work to do
      expect(p.all.filter((s) => s.process.exitCode !== null).map((s) => s.name)).toEqual([]); // nobody restarted anything
      await settled(p, SETTLE_MS);
      const after = await outcomeOf(p, history);
      expectAsReference(after);
      recordFigures(`${outage.name}-restart`, {
        events: history.events,
        lagAtFault,
        downMs: OUTAGE_MS,
        readyAfterRestartMs: readyMs,
        settledAfterRestartMs: Date.now() - restartedAt,
        ...lossAndDuplication(reference, after),
      });
    },
    1_800_000,
  );
});
