import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ssoSourceRequest } from '@org/contracts';
import { NotFoundError, parseRequest } from '@org/errors';
import { TenantId } from '@org/service';
import { z } from 'zod';
import { PollScheduler } from '../poll/poll-scheduler';
import { sourceView } from './source-view';
import { Sources } from './sources';

/** An id that cannot exist (not a UUID) answers 404 like an unknown one, as everywhere in the API. */
function connectionId(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new NotFoundError('SSO connection', id);
  return id;
}

/** SPEC §8: `/v1/sso-connections/:id/source`. */
@Controller('v1/sso-connections/:id/source')
export class SourceHttpController {
  constructor(
    private readonly sources: Sources,
    private readonly scheduler: PollScheduler,
  ) {}

  @Put()
  async attach(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const source = await this.sources.attach(tenantId, connectionId(id), parseRequest(ssoSourceRequest, body));
    this.scheduler.wake();
    return sourceView(source);
  }

  @Get()
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    return sourceView(await this.sources.find(tenantId, connectionId(id)));
  }

  @Post('sync')
  @HttpCode(202)
  async sync(@TenantId() tenantId: string, @Param('id') id: string) {
    const source = await this.sources.syncNow(tenantId, connectionId(id));
    this.scheduler.wake();
    return sourceView(source);
  }

  @Delete()
  @HttpCode(204)
  async detach(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.sources.detach(tenantId, connectionId(id));
  }
}
