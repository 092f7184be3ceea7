import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch } from '@org/kafka';
import { RecordSsoInstancesService } from './record-sso-instances.service';

@Controller()
export class RecordSsoInstancesKafkaController {
  constructor(private readonly service: RecordSsoInstancesService) {}

  @EventPattern(TOPICS.ssoInstances)
  async record(@Payload() batch: EventBatch<typeof TOPICS.ssoInstances>): Promise<void> {
    await this.service.record(batch.em, batch.events);
  }
}
