import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { SsoSourceRequest } from '@org/contracts';
import { NotFoundError } from '@org/errors';
import { recordChange, SERVICE_CONFIG } from '@org/service';
import { isDeepStrictEqual } from 'node:util';
import type { SsoSourcesConfig } from '../config';
import { KnownSsoConnection } from '../sso-connection/known-sso-connection.entity';
import { sealSecret } from './source-secret';
import { checkSourceUrls } from './source-urls';
import { SsoSource } from './sso-source.entity';

/** The schedule's settings: changing them keeps where the source stopped. */
const SCHEDULE = ['pollIntervalSeconds', 'assignmentIntervalSeconds'];
const withoutSchedule = (settings: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(settings).filter(([k]) => !SCHEDULE.includes(k)));

/** SPEC §8's calls on a connection's source: attach or replace, read, poll now, detach. */
@Injectable()
export class Sources {
  private readonly key: Buffer;

  constructor(
    private readonly em: EntityManager,
    @Inject(SERVICE_CONFIG) private readonly config: SsoSourcesConfig,
  ) {
    this.key = Buffer.from(config.SOURCES_ENCRYPTION_KEY, 'base64');
  }

  /**
   * Attach or replace. The same platform and the same URLs and ids keep the checkpoint (a new
   * secret or schedule does not pull again what was pulled); anything else starts afresh.
   */
  async attach(tenantId: string, ssoConnectionId: string, request: SsoSourceRequest): Promise<SsoSource> {
    checkSourceUrls(request.settings, this.config.SSO_SOURCES_ALLOW_PRIVATE_URLS);
    return this.em.fork().transactional(async (em) => {
      await connectionOf(em, tenantId, ssoConnectionId);
      const old = await em.findOne(SsoSource, { ssoConnectionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = new Date();
      const settings = request.settings as Record<string, unknown>;
      const sameSource =
        old !== null &&
        old.platform === request.platform &&
        isDeepStrictEqual(withoutSchedule(old.settings), withoutSchedule(settings));
      const source = old ?? em.create(SsoSource, { ssoConnectionId, tenantId } as SsoSource);
      em.assign(source, {
        platform: request.platform,
        settings,
        sealedSecret: sealSecret(request.secret, this.key, ssoConnectionId),
        generation: (old?.generation ?? 0) + 1,
        checkpoint: sameSource ? old.checkpoint : null,
        state: 'polling',
        nextPollAt: now,
        nextAssignmentsAt: now,
        leasedUntil: null,
        lastPolledAt: sameSource ? old.lastPolledAt : null,
        lastEventAt: sameSource ? old.lastEventAt : null,
        caughtUpAt: sameSource ? old.caughtUpAt : null,
        eventsPulled: sameSource ? old.eventsPulled : 0,
        failures: 0,
        lastError: null,
      });
      await em.flush();
      await recordChange(em, {
        tenantId,
        action: old ? 'sso-source.replaced' : 'sso-source.attached',
        target: { type: 'sso-source', id: ssoConnectionId },
        // The settings are URLs, ids and the schedule; the secret is never recorded.
        details: { platform: request.platform, settings, keptCheckpoint: sameSource },
      });
      return source;
    });
  }

  async find(tenantId: string, ssoConnectionId: string): Promise<SsoSource> {
    const source = await this.em.fork().findOne(SsoSource, { ssoConnectionId, tenantId });
    if (!source) throw new NotFoundError('source of SSO connection', ssoConnectionId);
    return source;
  }

  /** Due now, logins and lists alike (a lease held by a running poll is left to finish). */
  async syncNow(tenantId: string, ssoConnectionId: string): Promise<SsoSource> {
    const now = new Date();
    await this.em.fork().transactional(async (em) => {
      const changed = await em.nativeUpdate(
        SsoSource,
        { ssoConnectionId, tenantId },
        { nextPollAt: now, nextAssignmentsAt: now },
      );
      if (!changed) throw new NotFoundError('source of SSO connection', ssoConnectionId);
      await recordChange(em, {
        tenantId,
        action: 'sso-source.sync-requested',
        target: { type: 'sso-source', id: ssoConnectionId },
      });
    });
    return this.find(tenantId, ssoConnectionId);
  }

  async detach(tenantId: string, ssoConnectionId: string): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const deleted = await em.nativeDelete(SsoSource, { ssoConnectionId, tenantId });
      if (!deleted) throw new NotFoundError('source of SSO connection', ssoConnectionId);
      await recordChange(em, {
        tenantId,
        action: 'sso-source.detached',
        target: { type: 'sso-source', id: ssoConnectionId },
      });
    });
  }
}

/** The tenant's SSO connection, known and not removed; anything else answers 404, another tenant's too. */
async function connectionOf(em: EntityManager, tenantId: string, id: string): Promise<KnownSsoConnection> {
  const connection = await em.findOne(KnownSsoConnection, { id, tenantId, removed: false });
  if (!connection) throw new NotFoundError('SSO connection', id);
  return connection;
}
