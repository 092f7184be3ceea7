import './tracing';
import 'reflect-metadata';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadSsoIngestConfig } from './config';

const config = loadSsoIngestConfig();
void startService(AppModule.forRoot(config), config.SSO_INGEST_PORT);
