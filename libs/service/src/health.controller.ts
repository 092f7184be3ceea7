import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { KafkaEventServer, OutboxRelay } from '@org/kafka';
import { Public } from './internal-auth.guard';

interface StatusResponse {
  status(code: number): { json(body: unknown): void };
}

/** `/healthz`: the process answers. `/readyz`: it can do its work (database, consumers). */
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly orm: MikroORM,
    @Optional() @Inject(KafkaEventServer) private readonly consumers?: KafkaEventServer,
    @Optional() @Inject(OutboxRelay) private readonly relay?: OutboxRelay,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() res: StatusResponse) {
    const database = await this.orm.em
      .fork()
      .execute('select 1')
      .then(() => true)
      .catch(() => false);
    const checks = {
      database,
      consumers: this.consumers ? this.consumers.ready : true,
      outbox: this.relay ? this.relay.healthy : true,
    };
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  }
}
