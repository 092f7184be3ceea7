import './tracing';
import 'reflect-metadata';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadResolverConfig } from './config';

const config = loadResolverConfig();
void startService(AppModule.forRoot(config), config.PROVISIONING_RESOLVER_PORT);
