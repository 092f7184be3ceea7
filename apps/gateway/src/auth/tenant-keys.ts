import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ApiKey } from '../tenant/api-key.entity';
import { hashApiKey } from './api-key';

const CACHE_MS = 30_000;
const MAX_KEYS = 10_000;

/**
 * Which tenant a key opens. Known keys are kept for 30 s, so reads do not pay a database
 * round trip each (a revoked key stops working within that time).
 */
@Injectable()
export class TenantKeys {
  private readonly known = new Map<string, { tenantId: string; until: number }>();

  constructor(private readonly em: EntityManager) {}

  /** From memory only: null when the key was not seen in the last 30 s. */
  knownTenantOf(key: string): string | null {
    const hit = this.known.get(hashApiKey(key));
    return hit && hit.until > Date.now() ? hit.tenantId : null;
  }

  async tenantOf(key: string): Promise<string | null> {
    const known = this.knownTenantOf(key);
    if (known) return known;
    const hash = hashApiKey(key);
    const found = await this.em.fork().findOne(ApiKey, { keyHash: hash, revokedAt: null });
    if (!found) return null;
    if (this.known.size > MAX_KEYS) this.known.clear();
    this.known.set(hash, { tenantId: found.tenantId, until: Date.now() + CACHE_MS });
    return found.tenantId;
  }
}

export function bearerOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
