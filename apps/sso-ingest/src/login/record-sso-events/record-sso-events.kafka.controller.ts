import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import type { EventBatch, Rejection } from '@org/kafka';
import { RecordSsoEventsService } from './record-sso-events.service';

@Controller()
export class RecordSsoEventsKafkaController {
  constructor(private readonly service: RecordSsoEventsService) {}

  // Logins fold into sets and assignment pages into keyed rows: applying one twice changes
  // nothing, so the hot path skips the event-id table and takes big chunks.
  @EventPattern(TOPICS.ssoEvents, {
    chunkSize: 10_000,
    idempotentByNaturalKey: true,
    maxBytesPerPartition: 4_194_304,
    partitionsConsumedConcurrently: 2,
  })
  record(@Payload() batch: EventBatch<typeof TOPICS.ssoEvents>): Promise<Rejection[]> {
    return this.service.record(batch.em, batch.events);
  }
}
