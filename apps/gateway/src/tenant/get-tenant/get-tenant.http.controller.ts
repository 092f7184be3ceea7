import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get } from '@nestjs/common';
import { NotFoundError } from '@org/errors';
import { CurrentTenant } from '../../auth/api-key.guard';
import { Tenant } from '../tenant.entity';
import { tenantView } from '../tenant.view';

@Controller('v1/tenant')
export class GetTenantHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  async get(@CurrentTenant() tenantId: string) {
    const tenant = await this.em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw new NotFoundError('tenant', tenantId);
    return tenantView(tenant);
  }
}
