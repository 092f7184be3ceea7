import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The longest id, in characters (code points): in messages, and in a REST path (SPEC §5). */
export const MAX_ID_LENGTH = 128;
// Ids as the platforms and apps hand them out (e-mails, `alice+test@…`, names with accents), but
// not the separator of the message keys they end up in (`a:b:c`), spaces or control characters.
export const idSchema = z
  .string()
  .regex(
    new RegExp(`^[^\\s:\\p{Cc}]{1,${MAX_ID_LENGTH}}$`, 'u'),
    `1 to ${MAX_ID_LENGTH} characters, no ':', space or control`,
  );
export const uuidSchema = z.uuid();
// An address as directories hold them: local@domain, no spaces. A stricter check (a dot in the
// domain, ASCII only) would send whole pages of real directories (user@localhost, IDNs) to the DLQ.
export const emailSchema = z
  .string()
  .max(320)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, 'an e-mail address (local@domain)');
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
