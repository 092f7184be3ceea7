import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get } from '@nestjs/common';
import { TenantId } from '@org/service';
import { SsoConnection } from '../sso-connection.entity';
import { ssoConnectionView } from '../sso-connection.view';

@Controller('v1/sso-connections')
export class ListSsoConnectionsHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  async list(@TenantId() tenantId: string) {
    const connections = await this.em.find(
      SsoConnection,
      { tenantId, deletedAt: null },
      { orderBy: { createdAt: 'asc' } },
    );
    return { items: connections.map(ssoConnectionView) };
  }
}
