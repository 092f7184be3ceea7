import { Module } from '@nestjs/common';
import { ViewModule } from '../view/view.module';
import { RecordFactsKafkaController } from './record-facts.kafka.controller';

@Module({ imports: [ViewModule], controllers: [RecordFactsKafkaController] })
export class FactModule {}
