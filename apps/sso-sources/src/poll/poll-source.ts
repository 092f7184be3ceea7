import type { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import type { ConnectorClient } from '@org/connector-sdk';
import { newEvent, ssoLoginSchema, type SsoSourcePlatform } from '@org/contracts';
import { KnownApp } from '../sso-connection/known-app.entity';
import { openSecret } from '../source/source-secret';
import { SsoSource } from '../source/sso-source.entity';
import { type Platform, RateLimited, type SourceAccess } from '../platform/platform';
import { eventsPulled, eventsSkipped, pollFailures, polls } from './source-metrics';

export interface PollDeps {
  em: EntityManager;
  client: ConnectorClient;
  platforms: Record<SsoSourcePlatform, Platform>;
  key: Buffer;
  firstPollDays: number;
  timeoutMs: number;
  leaseMs: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export type PollOutcome = 'ok' | 'rate_limited' | 'failed' | 'replaced';

const DAY_MS = 86_400_000;
const logger = new Logger('PollSource');

/**
 * One poll of one leased source (SPEC §8): logins page by page from its checkpoint — each
 * page produced, acknowledged by the broker, and only then its checkpoint written, so a crash
 * replays a page (same event ids: nothing counted twice) and never skips one — then, when due,
 * the assignment list of every app of the connection that has had logins. A PUT or DELETE
 * while it runs (another generation) makes it stop writing: the new source starts afresh.
 */
export async function pollSource(deps: PollDeps, source: SsoSource): Promise<PollOutcome> {
  const startedAt = new Date();
  const labels = { platform: source.platform, source: source.ssoConnectionId };
  let secret = '';
  try {
    secret = openSecret(source.sealedSecret, deps.key, source.ssoConnectionId);
    const access: SourceAccess = {
      ssoConnectionId: source.ssoConnectionId,
      settings: source.settings,
      secret,
      firstPollSince: new Date(startedAt.getTime() - deps.firstPollDays * DAY_MS),
      timeoutMs: deps.timeoutMs,
    };
    const platform = deps.platforms[source.platform];
    for await (const page of platform.logins(access, source.checkpoint)) {
      const logins = page.logins.filter((login) => {
        // One login the contract refuses (an e-mail it does not take, say) is left out and counted, not the whole source stopped.
        const { eventId: _id, ...data } = login;
        const valid = ssoLoginSchema.safeParse(newEvent('sso.login', source.tenantId, data)).success;
        if (!valid) eventsSkipped.inc(labels);
        return valid;
      });
      if (logins.length) await deps.client.sendLogins(source.tenantId, logins);
      const kept = await progress(deps, source, {
        checkpoint: page.checkpoint,
        eventsPulled: logins.length,
        lastEventAt: page.newestAt,
      });
      if (!kept) return 'replaced';
      eventsPulled.inc(labels, logins.length);
    }
    if (platform.assignments && source.nextAssignmentsAt <= startedAt) {
      const apps = await deps.em
        .fork()
        .find(
          KnownApp,
          { ssoConnectionId: source.ssoConnectionId, tenantId: source.tenantId },
          { orderBy: { ssoAppId: 'asc' }, disableIdentityMap: true },
        );
      for (const app of apps) {
        const users = await platform.assignments(access, app);
        if (users === null) {
          logger.warn(
            `source of SSO connection ${source.ssoConnectionId}: ${source.platform} no longer has app ${app.ssoAppId}`,
          );
          continue;
        }
        await deps.client.sendAssignments(source.tenantId, {
          ssoConnectionId: app.ssoConnectionId,
          ssoAppId: app.ssoAppId,
          appKey: app.appKey,
          appName: app.appName,
          asOf: new Date().toISOString(),
          users,
        });
        // A long list of lists keeps the lease.
        if (!(await progress(deps, source, {}))) return 'replaced';
      }
      const every = Number(source.settings.assignmentIntervalSeconds ?? 3600) * 1000;
      if (!(await progress(deps, source, { nextAssignmentsAt: new Date(Date.now() + every) }))) return 'replaced';
    }
    const every = Number(source.settings.pollIntervalSeconds ?? 300) * 1000;
    const kept = await finish(deps, source, {
      state: 'polling',
      failures: 0,
      lastError: null,
      lastPolledAt: startedAt,
      caughtUpAt: startedAt,
      nextPollAt: new Date(Date.now() + every),
    });
    polls.inc({ ...labels, outcome: 'ok' });
    return kept ? 'ok' : 'replaced';
  } catch (error) {
    const reason = redacted(error, secret);
    logger.warn(`source of SSO connection ${source.ssoConnectionId} (${source.platform}): ${reason}`);
    if (error instanceof RateLimited) {
      polls.inc({ ...labels, outcome: 'rate_limited' });
      await finish(deps, source, {
        state: 'paused',
        lastError: reason,
        lastPolledAt: startedAt,
        nextPollAt: error.until,
      });
      return 'rate_limited';
    }
    polls.inc({ ...labels, outcome: 'failed' });
    pollFailures.inc(labels);
    const failures = source.failures + 1;
    const backoff = Math.min(deps.maxBackoffMs, deps.backoffMs * 2 ** Math.min(failures - 1, 20));
    await finish(deps, source, {
      state: 'failing',
      failures,
      lastError: reason,
      lastPolledAt: startedAt,
      // ±20 %: sources that failed together (a platform outage) do not come back together.
      nextPollAt: new Date(Date.now() + backoff * (0.8 + Math.random() * 0.4)),
    });
    return 'failed';
  }
}

/** Writes progress under the lease, renewing it; false when the source was replaced or detached meanwhile. */
async function progress(
  deps: PollDeps,
  source: SsoSource,
  change: {
    checkpoint?: Record<string, unknown>;
    eventsPulled?: number;
    lastEventAt?: Date | null;
    nextAssignmentsAt?: Date;
  },
): Promise<boolean> {
  const em = deps.em.fork();
  const found = await em.findOne(SsoSource, { ssoConnectionId: source.ssoConnectionId, generation: source.generation });
  if (!found) return false;
  if (change.checkpoint) found.checkpoint = change.checkpoint;
  if (change.eventsPulled) found.eventsPulled += change.eventsPulled;
  if (change.lastEventAt && (!found.lastEventAt || change.lastEventAt > found.lastEventAt))
    found.lastEventAt = change.lastEventAt;
  if (change.nextAssignmentsAt) found.nextAssignmentsAt = change.nextAssignmentsAt;
  found.leasedUntil = new Date(Date.now() + deps.leaseMs);
  await em.flush();
  return true;
}

/** The poll's end: its state and schedule, and the lease let go. */
async function finish(deps: PollDeps, source: SsoSource, change: Partial<SsoSource>): Promise<boolean> {
  const changed = await deps.em
    .fork()
    .nativeUpdate(
      SsoSource,
      { ssoConnectionId: source.ssoConnectionId, generation: source.generation },
      { ...change, leasedUntil: null },
    );
  return changed > 0;
}

/** An error as a source's `lastError`: its message, never the secret (an SDK may echo a header), at most 500 characters. */
export function redacted(error: unknown, secret: string): string {
  let message = error instanceof Error ? error.message : String(error);
  if (secret) message = message.split(secret).join('[secret]');
  return message.length > 500 ? `${message.slice(0, 497)}...` : message;
}
