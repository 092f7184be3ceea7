import { EntityManager } from '@mikro-orm/postgresql';
import { Body, Controller, Patch } from '@nestjs/common';
import { NotFoundError, parseRequest } from '@org/errors';
import { CurrentTenant } from '../../auth/api-key.guard';
import { Tenant } from '../tenant.entity';
import { tenantView } from '../tenant.view';
import { updateTenantRequest } from './update-tenant.request';

@Controller('v1/tenant')
export class UpdateTenantHttpController {
  constructor(private readonly em: EntityManager) {}

  @Patch()
  async update(@CurrentTenant() tenantId: string, @Body() body: unknown) {
    const changes = parseRequest(updateTenantRequest, body);
    const tenant = await this.em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw new NotFoundError('tenant', tenantId);
    this.em.assign(tenant, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    await this.em.flush();
    return tenantView(tenant);
  }
}
