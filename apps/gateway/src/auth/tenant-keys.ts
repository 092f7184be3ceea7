import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { query } from '@org/database';
import type { KeyScope } from '@org/contracts';
import { ApiKey } from '../tenant/api-key.entity';
import { hashApiKey } from './api-key';

/**
 * How long this gateway trusts what it read of a key: SPEC §5, a revoked key answers 401 within a
 * second on every gateway. A key in use is read again in the background after REFRESH_AFTER_MS,
 * so a busy key never waits for the database on the hot path, and a revocation is seen in time.
 */
const TRUSTED_FOR_MS = 1_000;
const REFRESH_AFTER_MS = 500;
const MAX_KEYS = 10_000;
/** lastUsedAt is written in one statement per interval, not once per request. */
const LAST_USED_EVERY_MS = 5_000;

/** What a key opens. */
export interface KeyHolder {
  keyId: string;
  tenantId: string;
  scope: KeyScope;
}

interface KnownKey {
  /** null: unknown or revoked. */
  holder: KeyHolder | null;
  readAt: number;
  refreshing: boolean;
}

@Injectable()
export class TenantKeys implements BeforeApplicationShutdown {
  /** Keys read in the last TRUSTED_FOR_MS, by hash. */
  private readonly known = new Map<string, KnownKey>();
  private readonly used = new Map<string, Date>();
  private readonly flusher: NodeJS.Timeout;

  constructor(private readonly em: EntityManager) {
    this.flusher = setInterval(() => void this.writeLastUsed(), LAST_USED_EVERY_MS);
    this.flusher.unref();
  }

  /** From memory only (the cached-read path): undefined when not read in the last TRUSTED_FOR_MS. */
  knownHolderOf(keyHash: string): KeyHolder | null | undefined {
    const hit = this.known.get(keyHash);
    const age = hit ? Date.now() - hit.readAt : Infinity;
    if (!hit || age >= TRUSTED_FOR_MS) return undefined;
    if (age >= REFRESH_AFTER_MS && !hit.refreshing) {
      hit.refreshing = true;
      // A failed read leaves the entry to expire: the next call then reads (and fails) in the open.
      this.read(keyHash).catch(() => (hit.refreshing = false));
    }
    if (hit.holder) this.used.set(hit.holder.keyId, new Date());
    return hit.holder;
  }

  async holderOf(keyHash: string): Promise<KeyHolder | null> {
    const known = this.knownHolderOf(keyHash);
    if (known !== undefined) return known;
    const holder = await this.read(keyHash);
    if (holder) this.used.set(holder.keyId, new Date());
    return holder;
  }

  private async read(keyHash: string): Promise<KeyHolder | null> {
    const readAt = Date.now();
    const found = await this.em.fork().findOne(ApiKey, { keyHash, revokedAt: null });
    const holder = found && { keyId: found.id, tenantId: found.tenantId, scope: found.scope };
    if (this.known.size > MAX_KEYS) this.known.clear();
    this.known.set(keyHash, { holder, readAt, refreshing: false });
    return holder;
  }

  /** A key revoked here stops at once on this gateway; the others read it again within TRUSTED_FOR_MS. */
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

const KEY_HASH = Symbol('keyHash');

interface KeyedRequest {
  headers: { authorization?: string | string[] };
  [KEY_HASH]?: string | null;
}

/** The SHA-256 of the call's bearer key (null without one), hashed once per call and kept on the request. */
export function keyHashOf(req: KeyedRequest): string | null {
  if (req[KEY_HASH] === undefined) {
    const key = bearerOf(req.headers.authorization);
    req[KEY_HASH] = key ? hashApiKey(key) : null;
  }
  return req[KEY_HASH];
}

export function bearerOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
