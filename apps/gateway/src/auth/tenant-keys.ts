import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { query } from '@org/database';
import type { KeyScope } from '@org/contracts';
import { ApiKey } from '../tenant/api-key.entity';
import { hashApiKey } from './api-key';

/**
 * How long this gateway trusts what it read of a key. SPEC §5: a revoked key answers 401
 * within a second on every gateway; each gateway reads a key again after half of that.
 */
const KNOWN_FOR_MS = 500;
const MAX_KEYS = 10_000;
/** lastUsedAt is written in one statement per interval, not once per request. */
const LAST_USED_EVERY_MS = 5_000;

/** What a key opens. */
export interface KeyHolder {
  keyId: string;
  tenantId: string;
  scope: KeyScope;
}

@Injectable()
export class TenantKeys implements BeforeApplicationShutdown {
  /** Keys read in the last KNOWN_FOR_MS, by hash; null: unknown or revoked. */
  private readonly known = new Map<string, { holder: KeyHolder | null; until: number }>();
  private readonly used = new Map<string, Date>();
  private readonly flusher: NodeJS.Timeout;

  constructor(private readonly em: EntityManager) {
    this.flusher = setInterval(() => void this.writeLastUsed(), LAST_USED_EVERY_MS);
    this.flusher.unref();
  }

  /** From memory only (the cached-read path): undefined when not read in the last KNOWN_FOR_MS. */
  knownHolderOf(key: string): KeyHolder | null | undefined {
    const hit = this.known.get(hashApiKey(key));
    if (!hit || hit.until <= Date.now()) return undefined;
    if (hit.holder) this.used.set(hit.holder.keyId, new Date());
    return hit.holder;
  }

  async holderOf(key: string): Promise<KeyHolder | null> {
    const known = this.knownHolderOf(key);
    if (known !== undefined) return known;
    const hash = hashApiKey(key);
    const found = await this.em.fork().findOne(ApiKey, { keyHash: hash, revokedAt: null });
    const holder = found && { keyId: found.id, tenantId: found.tenantId, scope: found.scope };
    if (this.known.size > MAX_KEYS) this.known.clear();
    this.known.set(hash, { holder, until: Date.now() + KNOWN_FOR_MS });
    if (holder) this.used.set(holder.keyId, new Date());
    return holder;
  }

  /** A key revoked here stops at once on this gateway; the others read it again within KNOWN_FOR_MS. */
  forget(keyId: string): void {
    for (const [hash, { holder }] of this.known) if (holder?.keyId === keyId) this.known.delete(hash);
  }

  /** The keys used since the last write, with when: one statement, never moving a time back. */
  async writeLastUsed(): Promise<void> {
    if (!this.used.size) return;
    const used = [...this.used];
    this.used.clear();
    await query(
      this.em.fork(),
      `update api_key set last_used_at = greatest(coalesce(last_used_at, v.at), v.at)
         from (select unnest(?::uuid[]) as id, unnest(?::timestamptz[]) as at) v
        where api_key.id = v.id`,
      [used.map(([id]) => id), used.map(([, at]) => at.toISOString())],
    ).catch(() => {
      // The database is away: keep the times for the next write.
      for (const [id, at] of used) if (!this.used.has(id)) this.used.set(id, at);
    });
  }

  // Before the ORM closes its pool (onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flusher);
    await this.writeLastUsed();
  }
}

export function bearerOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
