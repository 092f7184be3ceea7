import { z } from 'zod';
import { daySchema, emailSchema, eventSchema, idSchema, isoTimeSchema, uuidSchema } from '../envelope';

// --- connector.snapshots.v1 and connector.usage.v1: from provisioning and engagement connectors ---

export const snapshotUserSchema = z.object({
  userId: idSchema,
  email: emailSchema,
  tier: z.string().min(1).max(200).nullable(),
  /** Only `active` holds a seat (R13); SCIM active=false, suspended, deprovisioned do not. */
  status: z.string().min(1).max(64),
});
export type SnapshotUser = z.infer<typeof snapshotUserSchema>;

export const connectorSnapshotSchema = eventSchema(
  'connector.snapshot',
  z
    .object({
      connectionId: uuidSchema,
      syncId: idSchema,
      asOf: isoTimeSchema,
      page: z.int().min(1),
      pageCount: z.int().min(1).max(100_000),
      users: z.array(snapshotUserSchema).max(10_000),
    })
    .refine((d) => d.page <= d.pageCount, { message: 'page must not exceed pageCount', path: ['page'] }),
);
export type ConnectorSnapshotEvent = z.infer<typeof connectorSnapshotSchema>;

export const connectorUsageSchema = eventSchema(
  'connector.usage',
  z.object({ connectionId: uuidSchema, userId: idSchema, day: daySchema, events: z.int().min(0) }),
);
export type ConnectorUsageEvent = z.infer<typeof connectorUsageSchema>;
