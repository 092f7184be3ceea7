import { Module } from '@nestjs/common';
import { RecordSsoInstancesKafkaController } from './record-sso-instances/record-sso-instances.kafka.controller';
import { RecordSsoInstancesService } from './record-sso-instances/record-sso-instances.service';

@Module({ controllers: [RecordSsoInstancesKafkaController], providers: [RecordSsoInstancesService] })
export class SsoInstanceModule {}
