import './tracing';
import 'reflect-metadata';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadSsoSourcesConfig } from './config';

const config = loadSsoSourcesConfig();
void startService(AppModule.forRoot(config), config.SSO_SOURCES_PORT);
