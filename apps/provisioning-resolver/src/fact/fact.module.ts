import { Module } from '@nestjs/common';
import { RecordFactsKafkaController } from './record-facts.kafka.controller';

@Module({ controllers: [RecordFactsKafkaController] })
export class FactModule {}
