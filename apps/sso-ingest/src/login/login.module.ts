import { Module } from '@nestjs/common';
import { RecordSsoEventsKafkaController } from './record-sso-events/record-sso-events.kafka.controller';
import { RecordSsoEventsService } from './record-sso-events/record-sso-events.service';

@Module({ controllers: [RecordSsoEventsKafkaController], providers: [RecordSsoEventsService] })
export class LoginModule {}
