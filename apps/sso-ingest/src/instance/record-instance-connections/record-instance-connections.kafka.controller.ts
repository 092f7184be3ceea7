import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query } from '@org/database';
import type { EventBatch } from '@org/kafka';

/** Which instances hold a connection that is not deleted: an SSO connection in use cannot be deleted. */
@Controller()
export class RecordInstanceConnectionsKafkaController {
  @EventPattern(TOPICS.registryConnections)
  async record(@Payload() batch: EventBatch<typeof TOPICS.registryConnections>): Promise<void> {
    for (const e of batch.events) {
      // `deleted` is final: a late `connected` of the same connection never revives it.
      await query(
        batch.em,
        `insert into instance_connection (connection_id, instance_id, tenant_id, status) values (?, ?, ?, ?)
         on conflict (connection_id) do update set status = excluded.status
         where instance_connection.status <> 'deleted'`,
        [e.data.connectionId, e.data.instanceId, e.tenantId, e.data.status],
      );
    }
  }
}
