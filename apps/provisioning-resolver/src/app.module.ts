import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@org/service';
import type { ResolverConfig } from './config';
import { resolverDatabase } from './database';
import { ConnectorModule } from './connector/connector.module';
import { FactModule } from './fact/fact.module';
import { ReclamationModule } from './reclamation/reclamation.module';
import { ViewModule } from './view/view.module';

@Module({})
export class AppModule {
  static forRoot(config: ResolverConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({
          name: 'provisioning-resolver',
          config,
          database: resolverDatabase,
          internalOnly: true,
        }),
        FactModule,
        ConnectorModule,
        ViewModule,
        ReclamationModule,
      ],
    };
  }
}
