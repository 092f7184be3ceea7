import { z } from 'zod';
import { eventSchema } from '../envelope';

// --- tenants.v1: the gateway's tenant settings (compacted by tenant id) ---

export const tenantChangedSchema = eventSchema(
  'tenant.changed',
  z.object({
    name: z.string(),
    timeZone: z.string().min(1),
    estimateWindowDays: z.int().min(1),
    /** R18's default (absent in messages published before it existed: the topic is compacted). */
    inactiveAfterDays: z.int().min(1).default(60),
  }),
);
export type TenantChangedEvent = z.infer<typeof tenantChangedSchema>;
