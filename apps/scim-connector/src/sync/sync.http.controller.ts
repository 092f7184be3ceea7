import { Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { DomainError } from '@org/errors';
import { timingSafeEqual } from 'node:crypto';
import type { ScimConnectorConfig } from '../config';
import { SCIM_CONFIG, SyncConnectionService } from './sync-connection.service';

/** A sync on demand, and how the last one went; both need the connector's API token. */
@Controller('v1/sync')
export class SyncHttpController {
  constructor(
    private readonly syncs: SyncConnectionService,
    @Inject(SCIM_CONFIG) private readonly config: ScimConnectorConfig,
  ) {}

  @Post()
  @HttpCode(200)
  sync(@Headers('authorization') authorization?: string) {
    this.authorize(authorization);
    return this.syncs.sync();
  }

  @Get()
  last(@Headers('authorization') authorization?: string) {
    this.authorize(authorization);
    return { last: this.syncs.last };
  }

  private authorize(header?: string) {
    const key = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const expected = Buffer.from(this.config.SCIM_CONNECTOR_API_TOKEN);
    const given = Buffer.from(key ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new DomainError('UNAUTHENTICATED', "this call needs the connector's API token");
  }
}
