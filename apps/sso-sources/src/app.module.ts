import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectorClient } from '@org/connector-sdk';
import { saslFromEnv } from '@org/config';
import { ServiceModule } from '@org/service';
import type { SsoSourcesConfig } from './config';
import { ssoSourcesDatabase } from './database';
import { PollScheduler } from './poll/poll-scheduler';
import { SourceHttpController } from './source/source.http.controller';
import { Sources } from './source/sources';
import { SsoConnectionsKafkaController } from './sso-connection/sso-connections.kafka.controller';

/**
 * SPEC §8: pulls logins and assignment lists from the SSO platforms a tenant attached, and
 * produces them to sso.events.v1 through libs/connector-sdk like any outside producer.
 */
@Module({})
export class AppModule {
  static forRoot(config: SsoSourcesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceModule.forRoot({ name: 'sso-sources', config, database: ssoSourcesDatabase, internalOnly: true }),
      ],
      controllers: [SourceHttpController, SsoConnectionsKafkaController],
      providers: [
        {
          provide: ConnectorClient,
          useFactory: () =>
            new ConnectorClient({
              brokers: config.KAFKA_BROKERS,
              clientId: 'sso-sources',
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              sasl: saslFromEnv(config),
            }),
        },
        Sources,
        PollScheduler,
      ],
    };
  }
}
