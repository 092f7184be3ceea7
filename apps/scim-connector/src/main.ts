import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseRequests, timeRequests } from '@org/service';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadScimConnectorConfig } from './config';

async function main() {
  const config = loadScimConnectorConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  timeRequests(app);
  parseRequests(app);
  app.useLogger(app.get(Logger));
  await app.listen(config.SCIM_CONNECTOR_PORT, config.SCIM_CONNECTOR_HOST);
  // A sync under way finishes (or fails) before the process exits; nothing half-sent is left.
  const stop = () =>
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
