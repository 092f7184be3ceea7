import { Module } from '@nestjs/common';
import { RecordInstanceConnectionsKafkaController } from './record-instance-connections/record-instance-connections.kafka.controller';

@Module({ controllers: [RecordInstanceConnectionsKafkaController] })
export class InstanceModule {}
