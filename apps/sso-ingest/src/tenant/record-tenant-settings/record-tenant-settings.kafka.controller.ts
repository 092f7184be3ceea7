import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query } from '@org/database';
import type { EventBatch } from '@org/kafka';

/**
 * Keeps the tenant settings estimates are derived with. A change is only recorded here: the
 * re-derivation runs instance by instance in the background (RederiveEstimatesService).
 */
@Controller()
export class RecordTenantSettingsKafkaController {
  @EventPattern(TOPICS.tenants)
  async record(@Payload() batch: EventBatch<typeof TOPICS.tenants>): Promise<void> {
    for (const e of batch.events) {
      await query(
        batch.em,
        `insert into tenant_settings (tenant_id, time_zone, estimate_window_days) values (?, ?, ?)
         on conflict (tenant_id) do update
           set time_zone = excluded.time_zone, estimate_window_days = excluded.estimate_window_days`,
        [e.tenantId, e.data.timeZone, e.data.estimateWindowDays],
      );
    }
  }
}
