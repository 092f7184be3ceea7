import { z } from 'zod';
import { estimateWindowDaysSchema, tenantNameSchema, timeZoneSchema } from '../tenant-settings.request';

export const createTenantRequest = z.strictObject({
  name: tenantNameSchema,
  timeZone: timeZoneSchema.default('UTC'),
  estimateWindowDays: estimateWindowDaysSchema.default(120),
});
export type CreateTenantRequest = z.infer<typeof createTenantRequest>;
