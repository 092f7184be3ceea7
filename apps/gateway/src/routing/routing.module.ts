import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@org/service';
import type { GatewayConfig } from '../config';
import { ViewCache } from '../view-cache/view-cache';
import { ViewChangesService } from '../view-cache/view-changes.service';
import { ForwardHttpController } from './forward.http.controller';

/** Imported last: its catch-all route must come after every route the gateway answers itself. */
@Module({
  controllers: [ForwardHttpController],
  providers: [
    {
      provide: ViewCache,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new ViewCache(config.GATEWAY_VIEW_CACHE_MB * 1024 * 1024, config.GATEWAY_VIEW_CACHE_TTL_MS),
    },
    ViewChangesService,
  ],
})
export class RoutingModule {}
