import { z } from 'zod';
import { eventSchema } from '../envelope';

// --- audit.v1: every change made through the API (SPEC §5 `GET /v1/audit`), keyed by tenant ---

/** What was changed, one word per kind of thing the API changes. */
export const AUDIT_TARGETS = [
  'tenant',
  'key',
  'sso-connection',
  'sso-source',
  'connection',
  'reclamation-settings',
] as const;

/** `<target>.<what happened>`: one per change the API makes. */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'tenant.updated',
  'key.created',
  'key.revoked',
  'sso-connection.registered',
  'sso-connection.deleted',
  'sso-source.attached',
  'sso-source.replaced',
  'sso-source.sync-requested',
  'sso-source.detached',
  'connection.connected',
  'connection.disconnected',
  'connection.reconnected',
  'connection.deleted',
  'reclamation-settings.updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditTargetSchema = z.object({ type: z.enum(AUDIT_TARGETS), id: z.string().min(1) });
export type AuditTarget = z.infer<typeof auditTargetSchema>;

export const auditRecordedSchema = eventSchema(
  'audit.recorded',
  z.object({
    /** The tenant key that made the change; null for the admin key (which makes tenants and has no id). */
    keyId: z.uuid().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    target: auditTargetSchema,
    /** What changed: the new values, never a secret. */
    details: z.record(z.string(), z.unknown()),
  }),
);
export type AuditRecordedEvent = z.infer<typeof auditRecordedSchema>;
