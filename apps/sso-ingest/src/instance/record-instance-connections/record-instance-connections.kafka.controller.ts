import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch } from '@org/kafka';
import { InstanceConnection } from '../instance-connection.entity';

/** Which instances hold a connection that is not deleted: an SSO connection in use cannot be deleted. */
@Controller()
export class RecordInstanceConnectionsKafkaController {
  @EventPattern(TOPICS.registryConnections)
  async record(@Payload() batch: EventBatch<typeof TOPICS.registryConnections>): Promise<void> {
    for (const e of batch.events) {
      // `deleted` is final: a late `connected` of the same connection never revives it.
      await batch.em.upsert(
        InstanceConnection,
        {
          connectionId: e.data.connectionId,
          instanceId: e.data.instanceId,
          tenantId: e.tenantId,
          status: e.data.status,
        },
        { onConflictMergeFields: ['status'], onConflictWhere: { status: { $ne: 'deleted' } } },
      );
    }
  }
}
