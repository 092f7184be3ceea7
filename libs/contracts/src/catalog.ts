import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { ERROR_CODES } from './errors';
import { connectorSnapshotSchema, connectorUsageSchema } from './events/connector';
import { registryConnectionEventSchema } from './events/registry';
import { resolverViewEventSchema } from './events/resolver';
import { tenantChangedSchema } from './events/tenant';
import { auditRecordedSchema } from './events/audit';
import {
  ssoActivitySchema,
  ssoEstimateSchema,
  ssoEventSchema,
  ssoInstancesEventSchema,
  ssoUserActivitySchema,
} from './events/sso';
import { TOPICS, type Topic } from './topics';

/** Which event schemas each topic carries: the one place a consumer looks a message up. */
export const TOPIC_EVENT_SCHEMAS = {
  [TOPICS.ssoEvents]: ssoEventSchema,
  [TOPICS.connectorSnapshots]: connectorSnapshotSchema,
  [TOPICS.connectorUsage]: connectorUsageSchema,
  [TOPICS.ssoInstances]: ssoInstancesEventSchema,
  [TOPICS.ssoEstimates]: ssoEstimateSchema,
  [TOPICS.ssoActivity]: ssoActivitySchema,
  [TOPICS.ssoUserActivity]: ssoUserActivitySchema,
  [TOPICS.registryConnections]: registryConnectionEventSchema,
  [TOPICS.resolverViews]: resolverViewEventSchema,
  [TOPICS.tenants]: tenantChangedSchema,
  [TOPICS.audit]: auditRecordedSchema,
} satisfies Record<Topic, z.ZodType>;

export type EventOf<T extends Topic> = z.infer<(typeof TOPIC_EVENT_SCHEMAS)[T]>;

export type ParsedEvent<T extends Topic> =
  { ok: true; event: EventOf<T> } | { ok: false; code: typeof ERROR_CODES.INVALID_PAYLOAD.code; reason: string };

/**
 * Parses a raw message value of `topic`: JSON, then the envelope, then the event's own
 * schema. The reason names the first offending fields, for the DLQ.
 */
export function parseEvent<T extends Topic>(topic: T, value: Buffer | string | null): ParsedEvent<T> {
  const fail = (reason: string) => ({ ok: false as const, code: ERROR_CODES.INVALID_PAYLOAD.code, reason });
  if (value === null || value.length === 0) return fail('empty message value');
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
  const event = TOPIC_EVENT_SCHEMAS[topic].safeParse(json);
  if (event.success) return { ok: true, event: event.data as EventOf<T> };
  // Only a refused message pays a second parse, for a reason that names the right part.
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return fail(`envelope: ${describeIssues(envelope.error)}`);
  return fail(`${envelope.data.type}: ${describeIssues(event.error)}`);
}

/** `field.path: message; …` for the first few issues, short enough for a Kafka header. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const text = error.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return error.issues.length > max ? `${text}; and ${error.issues.length - max} more` : text;
}
