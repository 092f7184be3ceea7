import type { EntityManager } from '@mikro-orm/postgresql';
import { effectiveAtOf } from './effective-at';

// An EntityManager whose one query answers the connection with the instance's latest lifecycle change.
const emWithLatest = (at: Date | null) =>
  ({
    findOne: async () => (at ? { changedAt: at } : null),
  }) as unknown as EntityManager;

describe('effectiveAtOf', () => {
  const instance = '00000000-0000-4000-8000-000000000001';

  it('takes now when no effectiveAt is given, and a change committed a moment "later" as now', async () => {
    const before = Date.now();
    expect((await effectiveAtOf(emWithLatest(null), instance, undefined)).getTime()).toBeGreaterThanOrEqual(before);
    // Another process's clock ran ahead a little: this command is not refused as if it came first.
    const ahead = new Date(Date.now() + 40);
    expect(await effectiveAtOf(emWithLatest(ahead), instance, undefined)).toEqual(ahead);
  });

  it('refuses a given effectiveAt before the latest change, or in the future', async () => {
    const latest = new Date('2026-03-01T00:00:00Z');
    await expect(effectiveAtOf(emWithLatest(latest), instance, '2026-02-28T23:59:59Z')).rejects.toMatchObject({
      code: 'EFFECTIVE_AT_INVALID',
    });
    await expect(
      effectiveAtOf(emWithLatest(latest), instance, new Date(Date.now() + 60_000).toISOString()),
    ).rejects.toMatchObject({ code: 'EFFECTIVE_AT_INVALID' });
    expect(await effectiveAtOf(emWithLatest(latest), instance, '2026-03-01T00:00:00Z')).toEqual(latest);
  });
});
