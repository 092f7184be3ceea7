import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@org/service';
import type { SsoIngestConfig } from './config';
import { ssoIngestDatabase } from './database';
import { EstimateModule } from './estimate/estimate.module';
import { InstanceModule } from './instance/instance.module';
import { LoginModule } from './login/login.module';
import { SsoConnectionModule } from './sso-connection/sso-connection.module';
import { TenantModule } from './tenant/tenant.module';

@Module({})
export class AppModule {
  static forRoot(config: SsoIngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({ name: 'sso-ingest', config, database: ssoIngestDatabase, internalOnly: true }),
        EstimateModule,
        SsoConnectionModule,
        LoginModule,
        TenantModule,
        InstanceModule,
      ],
    };
  }
}
