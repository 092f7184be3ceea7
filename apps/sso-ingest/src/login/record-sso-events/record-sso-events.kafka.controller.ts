import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch, Rejection } from '@org/kafka';
import { RecordSsoEventsService } from './record-sso-events.service';

@Controller()
export class RecordSsoEventsKafkaController {
  constructor(private readonly service: RecordSsoEventsService) {}

  @EventPattern(TOPICS.ssoEvents)
  record(@Payload() batch: EventBatch<typeof TOPICS.ssoEvents>): Promise<Rejection[]> {
    return this.service.record(batch.em, batch.events);
  }
}
