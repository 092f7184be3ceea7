import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@org/errors';
import { timingSafeEqual } from 'node:crypto';

/** Headers the gateway sets on every call it forwards. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
export const TENANT_HEADER = 'x-tenant-id';

const PUBLIC = Symbol('public');
/** Health and metrics routes: answered without the internal credential. */
export const Public = () => SetMetadata(PUBLIC, true);
export const isPublic = (reflector: Reflector, context: ExecutionContext) =>
  reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]) === true;

interface HeaderRequest {
  headers: Record<string, string | string[] | undefined>;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Services behind the gateway answer only calls carrying the gateway's credential (SPEC §5):
 * a call that skips the gateway gets 401, whatever tenant header it forges.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly token: string,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (isPublic(this.reflector, context)) return true;
    const given = context.switchToHttp().getRequest<HeaderRequest>().headers[INTERNAL_TOKEN_HEADER];
    if (typeof given === 'string' && sameSecret(given, this.token)) return true;
    throw new DomainError('UNAUTHENTICATED', 'this service answers only calls forwarded by the gateway');
  }
}

/** The tenant the gateway authenticated; every tenant-scoped query filters by it. */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<HeaderRequest>().headers[TENANT_HEADER];
  if (typeof tenantId !== 'string' || !tenantId) throw new DomainError('UNAUTHENTICATED', 'no tenant on this call');
  return tenantId;
});
