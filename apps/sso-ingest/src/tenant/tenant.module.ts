import { Module } from '@nestjs/common';
import { RecordTenantSettingsKafkaController } from './record-tenant-settings/record-tenant-settings.kafka.controller';

@Module({ controllers: [RecordTenantSettingsKafkaController] })
export class TenantModule {}
