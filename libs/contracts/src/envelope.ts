import { randomUUID } from 'node:crypto';
import { z } from 'zod';

// Ids that end up inside message keys (`a:b:c`) must not contain the separator.
export const idSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'letters, digits, . _ @ - (1 to 128)');
export const uuidSchema = z.uuid();
export const isoTimeSchema = z.iso.datetime({ offset: true });
export const daySchema = z.iso.date();

/** The envelope every message value carries (SPEC §4). */
export const envelopeSchema = z.object({
  id: uuidSchema,
  type: z.string().min(1),
  version: z.literal(1),
  tenantId: idSchema,
  occurredAt: isoTimeSchema,
  data: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** The schema of one event type: the envelope with its `type` and `data` fixed. */
export function eventSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return envelopeSchema.extend({ type: z.literal(type), data });
}

/** A new event in the envelope: a fresh id, version 1, occurring now. */
export function newEvent<T extends string, D>(type: T, tenantId: string, data: D) {
  return { id: randomUUID(), type, version: 1 as const, tenantId, occurredAt: new Date().toISOString(), data };
}
