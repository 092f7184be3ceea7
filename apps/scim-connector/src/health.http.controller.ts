import { Controller, Get } from '@nestjs/common';
import { SyncConnectionService } from './sync/sync-connection.service';

/** `/healthz`: the process answers; `/readyz` also says how the last sync went. */
@Controller()
export class HealthHttpController {
  constructor(private readonly syncs: SyncConnectionService) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready() {
    return { status: 'ready', lastSync: this.syncs.last?.status ?? null };
  }
}
