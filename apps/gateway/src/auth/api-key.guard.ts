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
import type { KeyScope } from '@org/contracts';
import { bearerOf, keyHashOf, TenantKeys } from './tenant-keys';

const ADMIN_ONLY = Symbol('adminOnly');
/** Routes only the admin key opens (making tenants); every other route wants a tenant key. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

interface AuthRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string;
  keyId?: string;
}

/** SPEC §5: a `read` key reads; every call that changes something wants an `admin` key. */
export const mayChange = (scope: KeyScope) => scope === 'admin';
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `Authorization: Bearer <key>`: the admin key on admin routes, a tenant key elsewhere.
 * A missing or wrong key is 401 (SPEC §5).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: TenantKeys,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers (the audit consumer) are the gateway's own: keys are for HTTP calls.
    if (context.getType() !== 'http' || isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const key = bearerOf(request.headers.authorization);
    if (!key) throw new DomainError('UNAUTHENTICATED', 'missing Authorization: Bearer <key>');
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()])) {
      if (sameSecret(key, this.config.ADMIN_API_KEY)) return true;
      throw new DomainError('UNAUTHENTICATED', 'this call needs the admin key');
    }
    const holder = await this.keys.holderOf(keyHashOf(request)!);
    if (!holder) throw new DomainError('UNAUTHENTICATED', 'unknown or revoked key');
    if (!READS.has(request.method) && !mayChange(holder.scope))
      throw new DomainError('FORBIDDEN', `a ${holder.scope} key cannot change anything; use an admin key`);
    request.tenantId = holder.tenantId;
    request.keyId = holder.keyId;
    return true;
  }
}

/** The tenant whose key authenticated this call. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<AuthRequest>().tenantId;
  if (!tenantId) throw new DomainError('UNAUTHENTICATED', 'no tenant key on this call');
  return tenantId;
});

/** The key that authenticated this call (audit: who changed what). */
export const CurrentKey = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const keyId = context.switchToHttp().getRequest<AuthRequest>().keyId;
  if (!keyId) throw new DomainError('UNAUTHENTICATED', 'no tenant key on this call');
  return keyId;
});
