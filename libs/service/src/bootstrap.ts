import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KafkaEventServer } from '@org/kafka';
import { Logger } from 'nestjs-pino';

/**
 * Starts a service as a hybrid app: HTTP plus the Kafka batch consumers, with shutdown
 * hooks so SIGTERM/SIGINT stop the consumers (offsets committed) before the process exits.
 */
export async function startService(
  module: Parameters<typeof NestFactory.create>[0],
  port: number,
  host = '127.0.0.1',
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  await configureService(app);
  await app.listen(port, host);
  return app;
}

/** Everything but `listen`, shared with the integration tests. */
export async function configureService(app: INestApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
}
