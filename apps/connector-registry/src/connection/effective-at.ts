import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '@org/errors';
import { Connection } from './connection.entity';

// Clocks of the caller and this service differ a little: "now" plus this is still not the future.
const CLOCK_SKEW_MS = 5_000;

/**
 * When a lifecycle command takes effect: now, or `effectiveAt` to import a connection's real
 * history — never in the future, never before the instance's latest lifecycle change.
 */
export async function effectiveAtOf(
  em: EntityManager,
  instanceId: string,
  effectiveAt: string | undefined,
): Promise<Date> {
  const now = Date.now();
  if (effectiveAt && Date.parse(effectiveAt) > now + CLOCK_SKEW_MS) {
    throw new DomainError(
      'EFFECTIVE_AT_INVALID',
      `effectiveAt ${new Date(effectiveAt).toISOString()} lies in the future`,
    );
  }
  const latest = await em.findOne(Connection, { instanceId }, { orderBy: { changedAt: 'desc' } });
  const latestMs = latest ? latest.changedAt.getTime() : null;
  // "Now" never lies before a change committed meanwhile (a concurrent command read later than
  // this one's clock): the command then meets the instance as that change left it.
  if (!effectiveAt) return new Date(Math.max(now, latestMs ?? now));
  const at = new Date(effectiveAt);
  if (latestMs !== null && at.getTime() < latestMs) {
    throw new DomainError(
      'EFFECTIVE_AT_INVALID',
      `effectiveAt ${at.toISOString()} is before the instance's latest lifecycle change (${new Date(latestMs).toISOString()})`,
    );
  }
  return at;
}

/** The database refuses what would break R6: overlapping periods, or a second live connection. */
export function constraintRefusal(error: unknown): DomainError | null {
  const e = error as { code?: string; constraint?: string };
  if (e?.code === '23505' && e.constraint === 'connection_one_live_per_instance') {
    return new DomainError('INSTANCE_ALREADY_CONNECTED', 'the instance already holds a connection that is not deleted');
  }
  if (e?.code === '23P01' || (e?.code === '23514' && e.constraint === 'connection_period_ordered')) {
    return new DomainError(
      'EFFECTIVE_AT_INVALID',
      'effectiveAt would overlap another connected period of the instance',
    );
  }
  return null;
}
