import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch } from '@org/kafka';
import { TenantSettings } from '../tenant-settings.entity';

/**
 * Keeps the tenant settings estimates are derived with. A change is only recorded here: the
 * re-derivation runs instance by instance in the background (RederiveEstimatesService).
 */
@Controller()
export class RecordTenantSettingsKafkaController {
  @EventPattern(TOPICS.tenants)
  async record(@Payload() batch: EventBatch<typeof TOPICS.tenants>): Promise<void> {
    for (const e of batch.events) {
      await batch.em.upsert(TenantSettings, {
        tenantId: e.tenantId,
        timeZone: e.data.timeZone,
        estimateWindowDays: e.data.estimateWindowDays,
      });
    }
  }
}
