import { z } from 'zod';
import { estimateWindowDaysSchema, tenantNameSchema, timeZoneSchema } from '../tenant-settings.request';

export const updateTenantRequest = z.strictObject({
  name: tenantNameSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  estimateWindowDays: estimateWindowDaysSchema.optional(),
});
export type UpdateTenantRequest = z.infer<typeof updateTenantRequest>;
