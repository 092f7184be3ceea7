import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConnectorClient } from '@org/connector-sdk';
import { saslFromEnv } from '@org/config';
import { ErrorFilter } from '@org/errors';
import { MetricsHttpController } from '@org/service';
import { LoggerModule } from 'nestjs-pino';
import type { ScimConnectorConfig } from './config';
import { HealthHttpController } from './health.http.controller';
import { SCIM_CONFIG, SyncConnectionService } from './sync/sync-connection.service';
import { SyncHttpController } from './sync/sync.http.controller';

/** A provisioning connector: a SCIM 2.0 server's users, as snapshots of one connection. No database. */
@Module({})
export class AppModule {
  static forRoot(config: ScimConnectorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: 'scim-connector',
            level: config.LOG_LEVEL,
            autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
            redact: ['req.headers.authorization'],
          },
        }),
      ],
      controllers: [SyncHttpController, HealthHttpController, MetricsHttpController],
      providers: [
        { provide: SCIM_CONFIG, useValue: config },
        {
          provide: ConnectorClient,
          useFactory: () =>
            new ConnectorClient({
              brokers: config.KAFKA_BROKERS,
              clientId: 'scim-connector',
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              sasl: saslFromEnv(config),
            }),
        },
        SyncConnectionService,
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
