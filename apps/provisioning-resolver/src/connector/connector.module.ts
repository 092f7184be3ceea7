import { Module } from '@nestjs/common';
import { RecordConnectorDataKafkaController } from './record-connector-data.kafka.controller';
import { WaitingConnectorDataService } from './waiting-connector-data.service';

@Module({ controllers: [RecordConnectorDataKafkaController], providers: [WaitingConnectorDataService] })
export class ConnectorModule {}
