import type { Tenant } from './tenant.entity';

export const tenantView = (t: Tenant) => ({
  tenantId: t.id,
  name: t.name,
  timeZone: t.timeZone,
  estimateWindowDays: t.estimateWindowDays,
  inactiveAfterDays: t.inactiveAfterDays,
});
