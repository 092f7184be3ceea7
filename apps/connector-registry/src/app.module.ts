import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@org/service';
import { ApplicationModule } from './application/application.module';
import { ConnectionModule } from './connection/connection.module';
import type { RegistryConfig } from './config';
import { registryDatabase } from './database';
import { SsoInstanceModule } from './sso-instance/sso-instance.module';

@Module({})
export class AppModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({ name: 'connector-registry', config, database: registryDatabase, internalOnly: true }),
        SsoInstanceModule,
        ApplicationModule,
        ConnectionModule,
      ],
    };
  }
}
