import type { EntityManager } from '@mikro-orm/postgresql';
import type { INestApplication } from '@nestjs/common';
import { type AuditAction, type AuditTarget, newEvent, TOPICS } from '@org/contracts';
import { addToOutbox, type OutgoingEvent } from '@org/kafka';
import { AsyncLocalStorage } from 'node:async_hooks';
import { INTERNAL_TOKEN_HEADER, sameSecret } from './internal-auth.guard';
import type { BaseServiceConfig } from './service.module';
import { SERVICE_CONFIG } from './service.module';

/** The gateway names the tenant key of every call it forwards here (audit: who changed what). */
export const KEY_HEADER = 'x-key-id';

/** The key of the call being answered, for `recordChange` deep in a use case. */
const requestKeys = new AsyncLocalStorage<string | null>();

interface KeyedRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Keeps, for the whole of each call, the key the gateway named — only on a call that carries the
 * internal credential: nobody else can name a key. A use case then says what it changed, not who.
 */
export function rememberRequestKeys(app: INestApplication): void {
  const { INTERNAL_API_TOKEN } = app.get<BaseServiceConfig>(SERVICE_CONFIG);
  app.use((req: KeyedRequest, _res: unknown, next: () => void) => {
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    const keyId = req.headers[KEY_HEADER];
    const trusted = typeof token === 'string' && sameSecret(token, INTERNAL_API_TOKEN) && typeof keyId === 'string';
    requestKeys.run(trusted ? keyId : null, next);
  });
}

export interface Change {
  tenantId: string;
  action: AuditAction;
  target: AuditTarget;
  /** What changed: new values, never a secret. */
  details?: Record<string, unknown>;
  /** The key that made it; by default the key of the call being answered (null outside one). */
  keyId?: string | null;
}

/**
 * SPEC §5's audit trail: the outbox row (on audit.v1, keyed by tenant) of a change made through
 * the API, for the transaction that makes it — beside the change's own events, in one insert
 * (`addToOutbox(em, [event, auditEntry(change)])`), so a change and its record commit together.
 * The gateway keeps them for `GET /v1/audit`.
 */
export function auditEntry(change: Change): OutgoingEvent {
  const { tenantId, action, target, details = {} } = change;
  const keyId = change.keyId !== undefined ? change.keyId : (requestKeys.getStore() ?? null);
  return {
    topic: TOPICS.audit,
    key: tenantId,
    value: newEvent('audit.recorded', tenantId, { keyId, action, target, details }),
  };
}

/** The audit of a change that queues no other event (see auditEntry). */
export const recordChange = (em: EntityManager, change: Change): Promise<void> => addToOutbox(em, [auditEntry(change)]);
