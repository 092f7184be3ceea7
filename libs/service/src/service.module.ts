import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { type DynamicModule, Global, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost, Reflector } from '@nestjs/core';
import { ormOptions, type ServiceDatabase } from '@org/database';
import { ErrorFilter } from '@org/errors';
import { saslFromEnv } from '@org/config';
import { KafkaModule } from '@org/kafka';
import { LoggerModule } from 'nestjs-pino';
import { traceFields } from '@org/tracing';
import { HealthController } from './health.controller';
import { InternalAuthGuard } from './internal-auth.guard';
import { MetricsHttpController } from './metrics';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export interface BaseServiceConfig {
  DATABASE_URL: string;
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PREFIX: string;
  INTERNAL_API_TOKEN: string;
  LOG_LEVEL: string;
  KAFKA_CONSUMER_GROUP?: string;
  KAFKA_SESSION_TIMEOUT_MS?: number;
  KAFKA_HEARTBEAT_INTERVAL_MS?: number;
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_USERNAME?: string;
  KAFKA_PASSWORD?: string;
}

/**
 * An internal service answers only the gateway, which never revalidates: no ETag, so express
 * does not hash every answer (a year of view days is 85 KB; npm run bench -- read).
 */
@Injectable()
class WithoutEtags implements OnApplicationBootstrap {
  constructor(private readonly host: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    this.host.httpAdapter?.getInstance<{ set(setting: string, value: unknown): void }>().set('etag', false);
  }
}

export interface ServiceModuleOptions<C extends BaseServiceConfig> {
  /** Service name: Kafka client id and consumer group base. */
  name: string;
  config: C;
  database: ServiceDatabase;
  /** Answer only calls carrying the gateway's credential (all services but the gateway). */
  internalOnly: boolean;
}

/**
 * What every service has: its parsed config, structured logs, its own schema through
 * MikroORM, the Kafka conventions, health routes, the error filter and, behind the
 * gateway, the internal-credential guard.
 */
@Global()
@Module({})
export class ServiceModule {
  static forRoot<C extends BaseServiceConfig>(options: ServiceModuleOptions<C>): DynamicModule {
    const { config, name } = options;
    return {
      module: ServiceModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name,
            level: config.LOG_LEVEL,
            autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
            redact: ['req.headers.authorization', 'req.headers["x-internal-token"]'],
            // Every line of a traced operation names its trace (issue 21).
            mixin: traceFields,
          },
        }),
        MikroOrmModule.forRoot({ ...ormOptions(options.database, config.DATABASE_URL), driver: PostgreSqlDriver }),
        KafkaModule.forRoot({
          inject: [],
          useFactory: () => ({
            settings: {
              brokers: config.KAFKA_BROKERS,
              clientId: name,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              sasl: saslFromEnv(config),
            },
            groupId: config.KAFKA_CONSUMER_GROUP ?? name,
            session: {
              timeoutMs: config.KAFKA_SESSION_TIMEOUT_MS ?? 10_000,
              heartbeatMs: config.KAFKA_HEARTBEAT_INTERVAL_MS ?? 1_000,
            },
          }),
        }),
      ],
      controllers: [HealthController, MetricsHttpController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ErrorFilter },
        ...(options.internalOnly
          ? [
              {
                provide: APP_GUARD,
                inject: [Reflector],
                useFactory: (reflector: Reflector) => new InternalAuthGuard(reflector, config.INTERNAL_API_TOKEN),
              },
              WithoutEtags,
            ]
          : []),
      ],
      exports: [SERVICE_CONFIG],
    };
  }
}
