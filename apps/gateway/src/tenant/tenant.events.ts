import { type TenantChangedEvent, TOPICS } from '@org/contracts';
import type { OutgoingEvent } from '@org/kafka';
import { randomUUID } from 'node:crypto';
import type { Tenant } from './tenant.entity';

/** The tenant's settings for the services that derive days and estimates from them (tenants.v1). */
export function tenantChanged(t: Tenant): OutgoingEvent {
  const event: TenantChangedEvent = {
    id: randomUUID(),
    type: 'tenant.changed',
    version: 1,
    tenantId: t.id,
    occurredAt: new Date().toISOString(),
    data: {
      name: t.name,
      timeZone: t.timeZone,
      estimateWindowDays: t.estimateWindowDays,
      inactiveAfterDays: t.inactiveAfterDays,
    },
  };
  return { topic: TOPICS.tenants, key: t.id, value: event };
}
