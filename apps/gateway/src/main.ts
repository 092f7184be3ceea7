import './tracing';
import 'reflect-metadata';
import { startService } from '@org/service';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { limitRequests } from './budget/request-budgets';
import { answerCachedReads } from './view-cache/cached-reads';

const config = loadGatewayConfig();
void startService(AppModule.forRoot(config), config.GATEWAY_PORT, config.GATEWAY_HOST, (app) => {
  answerCachedReads(app);
  limitRequests(app); // installed last, so it runs first: a cached read spends from the budget too
});
