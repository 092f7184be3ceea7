// Reliability (issue 8): two resolvers share the work of one consumer group; one is killed
// with SIGKILL while the history of chaos.ts is ingested, and the other takes its partitions
// over: the same views as the fault-free reference.
import { scopeEnv, startServiceProcess } from '@org/testing';
import { expectSettledAsReference, feedHistory, type Isolated, isolatedProduct, recordFigures, SIZE } from './chaos';

describe('chaos: two resolvers', () => {
  let p: Isolated;
  afterAll(() => p?.close(), 300_000);

  it('two resolvers in one consumer group, one killed while ingesting: the other takes over, the same views', async () => {
    p = await isolatedProduct('chaos-two-resolvers');
    // A second resolver with the same database and consumer groups: the partitions are split between the two.
    const second = await startServiceProcess('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', scopeEnv(p.scope));
    const started = Date.now();
    const history = await feedHistory(p, SIZE, async () => {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
      second.process.kill('SIGKILL');
    });
    expect(second.process.signalCode).toBe('SIGKILL');
    await expectSettledAsReference(p, history);
    recordFigures('two-resolvers', { events: history.events, settledMs: Date.now() - started });
  }, 1_800_000);
});
