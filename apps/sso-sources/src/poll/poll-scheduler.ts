import { ROOT_CONTEXT } from '@opentelemetry/api';
import { inSpan } from '@org/tracing';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConnectorClient } from '@org/connector-sdk';
import { query, tableOf } from '@org/database';
import { PollLoop } from '@org/kafka';
import { SERVICE_CONFIG } from '@org/service';
import type { SsoSourcesConfig } from '../config';
import { PLATFORMS } from '../platform/platforms';
import { SsoSource } from '../source/sso-source.entity';
import { type PollDeps, pollSource } from './poll-source';
import { readLagsWith } from './source-metrics';

/**
 * Polls the sources that are due, at most SSO_SOURCES_CONCURRENCY at once, each on its own:
 * a slow or throttled source holds one slot and never delays another tenant's. Sources are
 * leased in the database (`for update skip locked`), so several instances share them and a
 * crashed instance's sources are taken up once its lease runs out.
 */
@Injectable()
export class PollScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PollScheduler.name);
  private readonly loop: PollLoop;
  private readonly running = new Set<Promise<unknown>>();
  private readonly deps: PollDeps;

  constructor(
    private readonly em: EntityManager,
    private readonly client: ConnectorClient,
    @Inject(SERVICE_CONFIG) private readonly config: SsoSourcesConfig,
  ) {
    this.deps = {
      em,
      client,
      platforms: PLATFORMS,
      key: Buffer.from(config.SOURCES_ENCRYPTION_KEY, 'base64'),
      firstPollDays: config.SSO_SOURCES_FIRST_POLL_DAYS,
      timeoutMs: config.SSO_SOURCES_REQUEST_TIMEOUT_MS,
      leaseMs: config.SSO_SOURCES_LEASE_MS,
      backoffMs: config.SSO_SOURCES_BACKOFF_MS,
      maxBackoffMs: config.SSO_SOURCES_MAX_BACKOFF_MS,
    };
    this.loop = new PollLoop('PollScheduler', () => this.startDue(), config.SSO_SOURCES_TICK_MS);
    readLagsWith(async () => {
      const sources = await this.em
        .fork()
        .find(
          SsoSource,
          { caughtUpAt: { $ne: null } },
          { fields: ['ssoConnectionId', 'platform', 'caughtUpAt'], disableIdentityMap: true },
        );
      return sources.map((s) => ({
        platform: s.platform,
        source: s.ssoConnectionId,
        seconds: (Date.now() - s.caughtUpAt!.getTime()) / 1000,
      }));
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Looks for due sources now (one was attached or asked to sync). */
  wake(): void {
    this.loop.wake();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    // Polls in flight finish their page and let their lease go; the client closes after them.
    await Promise.allSettled([...this.running]);
    await this.client.close();
  }

  /** Leases as many due sources as there are free slots and starts polling each; how many it started. */
  private async startDue(): Promise<number> {
    const free = this.config.SSO_SOURCES_CONCURRENCY - this.running.size;
    if (free <= 0) return 0;
    const ids = await this.lease(free);
    if (!ids.length) return 0;
    const sources = await this.em
      .fork()
      .find(SsoSource, { ssoConnectionId: { $in: ids } }, { populate: ['sealedSecret'], disableIdentityMap: true });
    for (const source of sources) {
      // A poll is a trace of its own: the platform's HTTP calls, the events produced, the writes.
      const attributes = { 'sso.platform': source.platform, 'sso.connection.id': source.ssoConnectionId };
      const poll = inSpan('sso-source poll', { parent: ROOT_CONTEXT, attributes }, () => pollSource(this.deps, source))
        .catch((error) => this.logger.error(`polling ${source.ssoConnectionId} failed to record its outcome: ${error}`))
        .finally(() => {
          this.running.delete(poll);
          this.loop.wake();
        });
      this.running.add(poll);
    }
    return sources.length;
  }

  private async lease(limit: number): Promise<string[]> {
    const t = tableOf(this.em, SsoSource);
    const c = (p: keyof SsoSource & string) => t.column(p);
    // Raw: update … where id in (select … for update skip locked) returning, one statement the ORM cannot build.
    const rows = await query<{ id: string }>(
      this.em,
      // A paused source whose reset has come is polling again (the rate limit behind it) from the moment its poll starts.
      `update ${t.name} set ${c('leasedUntil')} = now() + ? * interval '1 millisecond',
         ${c('lastError')} = case when ${c('state')} = 'paused' then null else ${c('lastError')} end,
         ${c('state')} = case when ${c('state')} = 'paused' then 'polling' else ${c('state')} end
       where ${c('ssoConnectionId')} in (
         select ${c('ssoConnectionId')} from ${t.name}
         where ${c('nextPollAt')} <= now()
           and (${c('leasedUntil')} is null or ${c('leasedUntil')} < now())
         order by ${c('nextPollAt')} limit ? for update skip locked)
       returning ${c('ssoConnectionId')} as id`,
      [this.config.SSO_SOURCES_LEASE_MS, limit],
    );
    return rows.map((r) => r.id);
  }
}
