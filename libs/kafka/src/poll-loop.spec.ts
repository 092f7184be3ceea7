import { Logger } from '@nestjs/common';
import { PollLoop } from './poll-loop';

beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

/** A loop whose step returns the next of `results` (a number, or an error to throw), recording when it ran. */
function loopOf(results: Array<number | Error>, idleMs?: number) {
  const at: number[] = [];
  const loop = new PollLoop(
    'test',
    async () => {
      at.push(Date.now());
      const next = results.shift() ?? 0;
      if (next instanceof Error) throw next;
      return next;
    },
    idleMs,
  );
  return { loop, at };
}

describe('PollLoop', () => {
  it('steps again at once while it finds work, then after the idle wait', async () => {
    const { loop, at } = loopOf([3, 1, 0, 0], 100);
    loop.start();
    await jest.advanceTimersByTimeAsync(250);
    await loop.stop();
    expect(at).toEqual([0, 0, 0, 100, 200]);
  });

  it('backs off 0.4, 0.8, 1.6, 3.2 s and at most 5 s while the step fails, unhealthy until it succeeds', async () => {
    const outage = new Error('connect ECONNREFUSED');
    const { loop, at } = loopOf([outage, outage, outage, outage, outage, outage, 0], 1_000);
    loop.start();
    await jest.advanceTimersByTimeAsync(15_999);
    expect([loop.healthy, at]).toEqual([false, [0, 400, 1_200, 2_800, 6_000, 11_000]]);
    await jest.advanceTimersByTimeAsync(1);
    expect([loop.healthy, at.at(-1)]).toEqual([true, 16_000]);
    await loop.stop();
  });

  it('runs the next step at once when woken, instead of after the idle wait', async () => {
    const { loop, at } = loopOf([0, 0], 60_000);
    loop.start();
    await jest.advanceTimersByTimeAsync(10);
    loop.wake();
    await jest.advanceTimersByTimeAsync(10);
    await loop.stop();
    expect(new Set(at)).toEqual(new Set([0, 10]));
  });

  it('starts one loop however often started', async () => {
    const { loop, at } = loopOf([0], 100);
    loop.start();
    loop.start();
    await jest.advanceTimersByTimeAsync(150);
    await loop.stop();
    expect(at).toEqual([0, 100]);
  });

  it('stops at once during the idle wait, running no further step', async () => {
    const { loop, at } = loopOf([0], 60_000);
    loop.start();
    await jest.advanceTimersByTimeAsync(10);
    await loop.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(at).toEqual([0]);
  });

  // Else stop() would take idleMs more: an hour for KafkaModule's event-id pruning loop, if
  // shutdown comes while its delete runs.
  it.each([
    ['finds nothing', 0],
    ['fails', new Error('connect ECONNREFUSED')],
  ])('stop() during a step that %s returns once the step ends, without waiting', async (_, result) => {
    let finish!: () => void;
    const step = () =>
      new Promise<number>(
        (resolve, reject) => (finish = () => (result instanceof Error ? reject(result) : resolve(result))),
      );
    const loop = new PollLoop('test', step, 3_600_000);
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(3_600_000);
    await stopping;
  });
});
