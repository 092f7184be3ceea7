import { EntityManager } from '@mikro-orm/postgresql';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@org/errors';
import { isPublic, sameSecret, SERVICE_CONFIG } from '@org/service';
import type { GatewayConfig } from '../config';
import { ApiKey } from '../tenant/api-key.entity';
import { hashApiKey } from './api-key';

const ADMIN_ONLY = Symbol('adminOnly');
/** Routes only the admin key opens (making tenants); every other route wants a tenant key. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string;
}

const CACHE_MS = 30_000;

/**
 * `Authorization: Bearer <key>`: the admin key on admin routes, a tenant key elsewhere.
 * A missing or wrong key is 401 (SPEC §5). Known keys are cached briefly, so reads do not
 * pay a database round trip each.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { tenantId: string; until: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly em: EntityManager,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const key = bearerOf(request.headers.authorization);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'missing Authorization: Bearer <key>');
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()])) {
      if (sameSecret(key, this.config.ADMIN_API_KEY)) return true;
      throw new DomainError('UNAUTHENTICATED', 'this call needs the admin key');
    }
    const tenantId = await this.tenantOf(key);
    if (!tenantId) throw new DomainError('UNAUTHENTICATED', 'unknown or revoked key');
    request.tenantId = tenantId;
    return true;
  }

  private async tenantOf(key: string): Promise<string | null> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.tenantId;
    const found = await this.em.fork().findOne(ApiKey, { keyHash: hash, revokedAt: null });
    if (!found) return null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { tenantId: found.tenantId, until: Date.now() + CACHE_MS });
    return found.tenantId;
  }
}

function bearerOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** The tenant whose key authenticated this call. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<AuthRequest>().tenantId;
  if (!tenantId) throw new DomainError('UNAUTHENTICATED', 'no tenant key on this call');
  return tenantId;
});
