// Reliability (issue 8): the history of chaos.ts ingested while every service is killed with
// SIGKILL at random moments (the last kill during the rebuild after the deletion), then replayed
// from offset 0 of every topic. Both must end with the fault-free reference's views and counts.
import { TOPICS } from '@org/contracts';
import { metricSample, scopeKafka } from '@org/testing';
import {
  expectSettledAsReference,
  feedHistory,
  FULL,
  INPUTS,
  type Isolated,
  isolatedProduct,
  lossAndDuplication,
  recordFigures,
  SIZE,
} from './chaos';

const KILLS = FULL ? 20 : 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BACKENDS = ['sso-ingest', 'connector-registry', 'provisioning-resolver'];
const GROUPS_EMPTY_WITHIN_MS = 60_000;

/** Events of `topic` a service has applied since its process started (its /metrics). */
async function appliedSince(p: Isolated, service: string, topic: string): Promise<number> {
  const text = await (await fetch(`${p.all.find((s) => s.name === service)!.url}/metrics`)).text();
  return metricSample(text, 'kafka_events_applied_total', { topic }) ?? 0;
}

describe('chaos: kills', () => {
  let p: Isolated;
  afterAll(() => p?.close(), 300_000);

  it(`${KILLS} kills of every service while ingesting: nothing lost, nothing duplicated, the same views; then a replay from offset 0`, async () => {
    p = await isolatedProduct('chaos-kills');
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
    const { after, reference } = await expectSettledAsReference(p, history);
    expect(new Set(kills.map((k) => k.service))).toEqual(new Set(victims));
    expect(kills).toHaveLength(KILLS);
    const settledMs = Date.now() - started;

    // Replay: every consumer group back to offset 0 of every topic, then the same views again.
    // Groups are `<prefix><service>.<topic>`: every service that has one stops, cleanly, so its
    // consumers leave at once (the offsets of an active group cannot be reset).
    const admin = scopeKafka(p.scope, 'replay').admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(p.scope.topicPrefix) && !g.includes('view-cache'));
    const consuming = [...new Set(groups.map((g) => g.slice(p.scope.topicPrefix.length).split('.')[0]))];
    await Promise.all(p.all.filter((s) => consuming.includes(s.name)).map((s) => s.stop()));
    let active = groups;
    for (const until = Date.now() + GROUPS_EMPTY_WITHIN_MS; active.length; await sleep(500)) {
      if (Date.now() > until) throw new Error(`groups still active after their services stopped: ${active.join(', ')}`);
      active = (await admin.describeGroups(groups)).groups
        .filter((g) => g.state !== 'Empty' && g.state !== 'Dead')
        .map((g) => g.groupId);
    }
    let reset = 0;
    for (const groupId of groups)
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        await admin.resetOffsets({ groupId, topic, earliest: true });
        reset++;
      }
    await admin.disconnect();
    expect(reset).toBeGreaterThanOrEqual(INPUTS.length);
    const replayStarted = Date.now();
    // The gateway last: it is started with the others' addresses.
    for (const name of consuming.sort((a, b) => Number(a === 'gateway') - Number(b === 'gateway'))) await p.start(name);
    await expectSettledAsReference(p, history);
    // The restarted sso-ingest really read the topic again from its start: every login once more.
    const replayedLogins = await appliedSince(p, 'sso-ingest', TOPICS.ssoEvents);
    expect(replayedLogins).toBeGreaterThanOrEqual(history.logins);
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
});
