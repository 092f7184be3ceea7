import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ServiceModule } from '@org/service';
import { AuditHttpController } from './audit/audit.http.controller';
import { RecordAuditKafkaController } from './audit/record-audit.kafka.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { TenantKeys } from './auth/tenant-keys';
import type { GatewayConfig } from './config';
import { DashboardHttpController } from './dashboard/dashboard.http.controller';
import { gatewayDatabase } from './database';
import { DocsHttpController } from './docs/docs.http.controller';
import { KeysHttpController } from './keys/keys.http.controller';
import { RoutingModule } from './routing/routing.module';
import { TenantModule } from './tenant/tenant.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({ name: 'gateway', config, database: gatewayDatabase, internalOnly: false }),
        TenantModule,
        RoutingModule,
      ],
      controllers: [
        DocsHttpController,
        DashboardHttpController,
        KeysHttpController,
        AuditHttpController,
        RecordAuditKafkaController,
      ],
      providers: [TenantKeys, { provide: APP_GUARD, useClass: ApiKeyGuard }],
    };
  }
}
