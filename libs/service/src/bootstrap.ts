import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KafkaEventServer } from '@org/kafka';
import { Logger } from 'nestjs-pino';
import { stopTracing } from '@org/tracing';
import { rememberRequestKeys } from './audit';
import { timeRequests } from './metrics';
import { parseRequests } from './request-parsing';

const SHUTDOWN_GRACE_MS = 25_000;

/**
 * Starts a service as a hybrid app: HTTP plus the Kafka batch consumers. SIGTERM/SIGINT
 * close it (consumers finish their batch and commit, the outbox relay and producer stop)
 * and the process exits 0; a shutdown stuck past the grace period exits 1.
 */
export async function startService(
  module: Parameters<typeof NestFactory.create>[0],
  port: number,
  host = '127.0.0.1',
  /** Runs before Nest's own middleware is mounted (`app.use` here comes first). */
  beforeRoutes?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  timeRequests(app);
  beforeRoutes?.(app);
  await configureService(app);
  await app.listen(port, host);
  app.get(Logger).log(`listening on ${host}:${port}, Node.js ${process.version}`);
  const shutdown = (signal: string) => {
    app.get(Logger).log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    // The spans still buffered leave before the process does.
    app.close().then(
      () => stopTracing().then(() => process.exit(0)),
      () => stopTracing().then(() => process.exit(1)),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return app;
}

/** Everything but `listen` and signals, shared with the integration tests. */
export async function configureService(app: INestApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  parseRequests(app);
  rememberRequestKeys(app);
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
}
