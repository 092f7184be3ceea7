import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadResolverConfig } from './config';

const config = loadResolverConfig();
// No ETag: only the gateway calls this service and never revalidates, while hashing every
// view answer (85 KB for a year) cost the resolver's one thread on each read (npm run bench -- read).
const withoutEtags = (app: INestApplication) => app.getHttpAdapter().getInstance().set('etag', false);
void startService(AppModule.forRoot(config), config.PROVISIONING_RESOLVER_PORT, undefined, withoutEtags);
