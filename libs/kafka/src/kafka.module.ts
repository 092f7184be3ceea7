import { MikroORM } from '@mikro-orm/postgresql';
import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { EventProducer } from './event-producer';
import { KafkaEventServer, type KafkaEventServerOptions } from './kafka-event.server';
import { createKafka, KAFKA_SETTINGS, type KafkaSettings } from './kafka-settings';
import { OutboxRelay } from './outbox-relay';
import { PollLoop } from './poll-loop';
import { query, tableOf } from '@org/database';
import { ProcessedEvent } from './processed-event.entity';

const DEDUPE_DAYS = 30;

export interface KafkaModuleOptions {
  settings: KafkaSettings;
  /** Consumer group base name; defaults to the client id. */
  groupId?: string;
  chunkSize?: number;
  session?: KafkaEventServerOptions['session'];
}

const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/**
 * The messaging conventions every service uses: one idempotent producer, the outbox
 * relay, and the batch consumer transport (`app.connectMicroservice({ strategy })`).
 */
@Module({})
export class KafkaModule implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  // Event ids only need remembering while a resend is plausible; the handlers are also
  // idempotent by natural key, so a replay from older offsets still changes nothing.
  private readonly pruning: PollLoop;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly producer: EventProducer,
    orm: MikroORM,
  ) {
    this.pruning = new PollLoop(
      'ProcessedEventPruning',
      async () => {
        const em = orm.em.fork();
        const processed = tableOf(em, ProcessedEvent);
        const eventId = processed.column('eventId');
        // Raw: a delete bounded by a limit, which em.nativeDelete cannot say.
        await query(
          em,
          `delete from ${processed.name} where ${eventId} in (
             select ${eventId} from ${processed.name}
             where ${processed.column('processedAt')} < now() - interval '${DEDUPE_DAYS} days' limit 10000)`,
        );
        return 0;
      },
      3_600_000,
    );
  }

  static forRoot(options: { inject: unknown[]; useFactory: (...deps: never[]) => KafkaModuleOptions }): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, inject: options.inject as never[], useFactory: options.useFactory },
        { provide: KAFKA_SETTINGS, inject: [KAFKA_OPTIONS], useFactory: (o: KafkaModuleOptions) => o.settings },
        { provide: KafkaClient, inject: [KAFKA_SETTINGS], useFactory: (s: KafkaSettings) => new KafkaClient(s) },
        {
          provide: EventProducer,
          inject: [KafkaClient, KAFKA_SETTINGS],
          useFactory: (k: KafkaClient, s: KafkaSettings) => new EventProducer(k.kafka, s),
        },
        {
          provide: OutboxRelay,
          inject: [MikroORM, EventProducer],
          useFactory: (orm: MikroORM, p: EventProducer) => new OutboxRelay(orm, p),
        },
        {
          provide: KafkaEventServer,
          inject: [KafkaClient, KAFKA_OPTIONS, MikroORM, EventProducer],
          useFactory: (k: KafkaClient, o: KafkaModuleOptions, orm: MikroORM, p: EventProducer) =>
            new KafkaEventServer(k.kafka, o.settings, orm, p, {
              groupId: o.groupId ?? o.settings.clientId,
              chunkSize: o.chunkSize,
              session: o.session,
            }),
        },
      ],
      exports: [KAFKA_SETTINGS, KafkaClient, EventProducer, OutboxRelay, KafkaEventServer],
    };
  }

  onApplicationBootstrap(): void {
    this.relay.start();
    this.pruning.start();
  }

  // Shutdown in phases: loops stop while the database is open (onModuleDestroy), the producer
  // goes once no loop can send any more (beforeApplicationShutdown), then the ORM closes.
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.relay.stop(), this.pruning.stop()]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** The kafkajs client, as an injectable. */
export class KafkaClient {
  readonly kafka;
  constructor(@Inject(KAFKA_SETTINGS) settings: KafkaSettings) {
    this.kafka = createKafka(settings);
  }
}
