import './tracing';
import 'reflect-metadata';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadRegistryConfig } from './config';

const config = loadRegistryConfig();
void startService(AppModule.forRoot(config), config.CONNECTOR_REGISTRY_PORT);
