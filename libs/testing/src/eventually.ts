/**
 * Polls `check` until it returns without throwing (and, if it returns a value, a truthy one),
 * or fails with the last error after the deadline. Replaces fixed sleeps in Kafka tests.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = new Error('never checked');
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== false && value !== null && value !== undefined) return value;
      last = new Error(`check returned ${String(value)}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw last;
}
