import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch } from '@org/kafka';
import { recordSsoConnections } from './record-sso-connections';

@Controller()
export class SsoConnectionsKafkaController {
  @EventPattern(TOPICS.ssoInstances)
  async record(@Payload() batch: EventBatch<typeof TOPICS.ssoInstances>): Promise<void> {
    await recordSsoConnections(batch.em, batch.events);
  }
}
