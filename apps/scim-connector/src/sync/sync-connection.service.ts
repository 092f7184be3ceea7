import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConnectorClient } from '@org/connector-sdk';
import { type ScimConnectorConfig } from '../config';
import { syncDuration, syncs, usersPublished } from '../sync-metrics';
import { readScimUsers } from '../scim/read-scim-users';
import { snapshotUserOf, type SnapshotUser } from '../scim/scim-user';

export const SCIM_CONFIG = Symbol('SCIM_CONFIG');

export interface SyncResult {
  status: 'published' | 'failed';
  startedAt: string;
  finishedAt: string;
  /** Users in the snapshot (those with an e-mail address), and those left out, with why. */
  users?: number;
  skipped?: string[];
  syncId?: string;
  pages?: number;
  error?: string;
}

/**
 * One sync: read every user from the SCIM server, map them, publish one snapshot through the
 * SDK (pages of one syncId). A read that fails publishes nothing, so the product never sees a
 * partial snapshot. Runs on a schedule and on demand; a request while one runs joins it.
 */
@Injectable()
export class SyncConnectionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncConnectionService.name);
  private running?: Promise<SyncResult>;
  private timer?: NodeJS.Timeout;
  last: SyncResult | null = null;

  constructor(
    @Inject(SCIM_CONFIG) private readonly config: ScimConnectorConfig,
    private readonly client: ConnectorClient,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.SCIM_SYNC_EVERY_MS;
    if (!every) return;
    const next = () => {
      this.timer = setTimeout(() => void this.sync().finally(next), every);
    };
    void this.sync().finally(next);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.client.close();
  }

  sync(): Promise<SyncResult> {
    this.running ??= this.syncOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async syncOnce(): Promise<SyncResult> {
    const startedAt = new Date().toISOString();
    const c = this.config;
    try {
      const read = await readScimUsers({
        baseUrl: c.SCIM_BASE_URL,
        token: c.SCIM_TOKEN,
        pageSize: c.SCIM_PAGE_SIZE,
        timeoutMs: c.SCIM_TIMEOUT_MS,
        maxAttempts: c.SCIM_MAX_ATTEMPTS,
        retryBaseMs: c.SCIM_RETRY_BASE_MS,
      });
      const users: SnapshotUser[] = [];
      const skipped: string[] = [];
      for (const scimUser of read) {
        const user = snapshotUserOf(scimUser, c.SCIM_TIER_ATTRIBUTE);
        if ('skipped' in user) skipped.push(user.skipped);
        else users.push(user);
      }
      const sent = await this.client.sendSnapshot(c.SCIM_TENANT_ID, {
        connectionId: c.SCIM_CONNECTION_ID,
        asOf: startedAt,
        users,
      });
      if (skipped.length) this.logger.warn(`${skipped.length} SCIM users left out: ${skipped.slice(0, 5).join('; ')}`);
      this.logger.log(`published a snapshot of ${users.length} users in ${sent.pages} pages (${sent.syncId})`);
      return this.remember({
        status: 'published',
        startedAt,
        finishedAt: now(),
        users: users.length,
        skipped,
        ...sent,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`sync failed, nothing published: ${message}`);
      return this.remember({ status: 'failed', startedAt, finishedAt: now(), error: message });
    }
  }

  private remember(result: SyncResult): SyncResult {
    this.last = result;
    syncs.inc({ status: result.status });
    syncDuration.observe((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000);
    if (result.users !== undefined) usersPublished.set(result.users);
    return result;
  }
}

const now = () => new Date().toISOString();
