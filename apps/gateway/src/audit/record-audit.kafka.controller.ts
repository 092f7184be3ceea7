import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import type { EventBatch } from '@org/kafka';
import { AuditEntry } from './audit-entry.entity';

const COLUMNS = ['id', 'tenantId', 'at', 'keyId', 'action', 'target', 'details'] as const;

/** Keeps every change the services record on audit.v1; an event seen before (same id) changes nothing. */
@Controller()
export class RecordAuditKafkaController {
  @EventPattern(TOPICS.audit)
  async record(@Payload() batch: EventBatch<typeof TOPICS.audit>): Promise<void> {
    const entries = batch.events.map((e): Partial<AuditEntry> => ({
      id: e.id,
      tenantId: e.tenantId,
      at: new Date(e.occurredAt),
      ...e.data,
    }));
    const audit = tableOf(batch.em, AuditEntry);
    // Raw: one insert for the batch, in the order of the partition (seq), skipping ids already kept.
    await query(
      batch.em,
      `${audit.bulkInsert(COLUMNS)} on conflict (${audit.column('id')}) do nothing`,
      audit.arrays(entries, COLUMNS),
    );
  }
}
