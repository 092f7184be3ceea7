import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { connectionChangeRequest, connectionsQuery } from '@org/contracts';
import { parseQuery, parseRequest } from '@org/errors';
import { TenantId } from '@org/service';
import { connectionOf, connectionsOf, connectionView } from './connection-record';
import { DeleteConnectionService } from './delete-connection/delete-connection.service';
import { DisconnectConnectionService } from './disconnect-connection/disconnect-connection.service';
import { ReconnectConnectionService } from './reconnect-connection/reconnect-connection.service';

/** Reads and lifecycle routes of one connection (SPEC §5); the rules live in the services. */
@Controller('v1/connections')
export class ConnectionHttpController {
  constructor(
    private readonly em: EntityManager,
    private readonly disconnecting: DisconnectConnectionService,
    private readonly reconnecting: ReconnectConnectionService,
    private readonly deleting: DeleteConnectionService,
  ) {}

  @Get()
  async list(@TenantId() tenantId: string, @Query() q: unknown) {
    const { instanceId } = parseQuery(connectionsQuery, q);
    return { items: (await connectionsOf(this.em, tenantId, { instanceId })).map(connectionView) };
  }

  @Get(':id')
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    return connectionView(await connectionOf(this.em, tenantId, id));
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  async disconnect(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const { effectiveAt } = parseRequest(connectionChangeRequest, body);
    return connectionView(await this.disconnecting.disconnect(tenantId, id, effectiveAt));
  }

  @Post(':id/reconnect')
  @HttpCode(200)
  async reconnect(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const { effectiveAt } = parseRequest(connectionChangeRequest, body);
    return connectionView(await this.reconnecting.reconnect(tenantId, id, effectiveAt));
  }

  /** 202: the resolver rebuilds the instance's view asynchronously (R12); its progress is on the instance. */
  @Delete(':id')
  @HttpCode(202)
  async delete(@TenantId() tenantId: string, @Param('id') id: string, @Query('effectiveAt') effectiveAt?: string) {
    const { effectiveAt: at } = parseQuery(connectionChangeRequest, { effectiveAt });
    const connection = await this.deleting.delete(tenantId, id, at);
    return {
      connectionId: connection.id,
      status: connection.status,
      rebuild: { instanceId: connection.instanceId, status: 'requested' },
    };
  }
}
