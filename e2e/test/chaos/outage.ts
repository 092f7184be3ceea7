// Reliability (issue 8): a server the product needs — the broker, PostgreSQL — stopped for longer
// than a consumer's session while the history of chaos.ts is ingested, and started again: every
// service ready again by itself (nobody restarts anything), nothing lost, the fault-free
// reference's views. One file per server (broker-outage, postgres-outage), run side by side.
import {
  allReady,
  expectSettledAsReference,
  feedHistory,
  FULL,
  type Isolated,
  isolatedProduct,
  lagOf,
  lossAndDuplication,
  recordFigures,
  SIZE,
} from './chaos';

/**
 * Longer than a consumer's session (KAFKA_SESSION_TIMEOUT_MS, 12 s in tests), whose heartbeats
 * must go on while it waits; full size, longer than the production session (30 s).
 */
const OUTAGE_MS = FULL ? 40_000 : Number(process.env.KAFKA_SESSION_TIMEOUT_MS) + 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server of the case's own that the product runs on, and how to stop, start and remove it. */
export interface Server {
  where: Parameters<typeof isolatedProduct>[1];
  stop(): unknown;
  start(): unknown;
  remove(): unknown;
}

/** The case: `server` stopped for OUTAGE_MS mid-ingest, then started again. */
export function describeOutage(name: string, startServer: () => Promise<Server>): void {
  describe(`chaos: ${name} outage`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterAll(async () => {
      // The product first, then the private server it ran on.
      for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(e));
    }, 300_000);

    it(`${name} stopped and restarted mid-ingest: the services recover without a hand, nothing lost`, async () => {
      const server = await startServer();
      cleanups.push(async () => server.remove());
      const p: Isolated = await isolatedProduct(`chaos-${name}`, server.where);
      cleanups.push(() => p.close());
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
      const { after, reference } = await expectSettledAsReference(p, history);
      recordFigures(`${name}-restart`, {
        events: history.events,
        lagAtFault,
        downMs: OUTAGE_MS,
        readyAfterRestartMs: readyMs,
        settledAfterRestartMs: Date.now() - restartedAt,
        ...lossAndDuplication(reference, after),
      });
    }, 1_800_000);
  });
}
