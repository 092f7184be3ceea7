import { Logger } from '@nestjs/common';

const MAX_BACKOFF_MS = 5_000;

/**
 * Runs `step` again and again in the background: at once while it finds work (returns > 0),
 * after `idleMs` when it finds none, and backing off up to 5 s while it fails (a database or
 * broker outage), logging the first failure and every 20th. `stop` waits for the running step.
 */
export class PollLoop {
  private readonly logger: Logger;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private failures = 0;
  private woken = false;

  constructor(
    name: string,
    private readonly step: () => Promise<number>,
    private readonly idleMs = 100,
  ) {
    this.logger = new Logger(name);
  }

  /** True unless the last step failed. */
  get healthy(): boolean {
    return this.failures === 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Runs the next step now instead of after the idle wait (work was just committed). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let done = 0;
      try {
        done = await this.step();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn(`failed (${this.failures}x), retrying: ${(error as Error).message}`);
        }
      }
      // stop() during the step had no wait to end: return now, not after idleMs (an hour for the
      // event-id pruning). Nothing awaits from here until wakeUp is set, so a later stop() ends the wait.
      if (!this.running) return;
      if ((done > 0 || this.woken) && !this.failures) {
        this.woken = false;
        continue;
      }
      const wait = this.failures ? Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(this.failures, 5)) : this.idleMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
