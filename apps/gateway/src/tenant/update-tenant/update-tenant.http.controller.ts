import { EntityManager } from '@mikro-orm/postgresql';
import { Body, Controller, Patch } from '@nestjs/common';
import { NotFoundError, parseRequest } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { CurrentKey, CurrentTenant } from '../../auth/api-key.guard';
import { Tenant } from '../tenant.entity';
import { tenantChanged } from '../tenant.events';
import { tenantView } from '../tenant.view';
import { updateTenantRequest } from '@org/contracts';

@Controller('v1/tenant')
export class UpdateTenantHttpController {
  constructor(private readonly em: EntityManager) {}

  @Patch()
  async update(@CurrentTenant() tenantId: string, @CurrentKey() keyId: string, @Body() body: unknown) {
    const changes = parseRequest(updateTenantRequest, body);
    // The settings and their tenants.v1 event commit together: sso-ingest re-derives estimates from it.
    const tenant = await this.em.transactional(async (em) => {
      const tenant = await em.findOne(Tenant, { id: tenantId });
      if (!tenant) throw new NotFoundError('tenant', tenantId);
      const changed = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      em.assign(tenant, changed);
      await em.flush();
      await addToOutbox(em, [
        tenantChanged(tenant),
        auditEntry({
          tenantId,
          keyId,
          action: 'tenant.updated',
          target: { type: 'tenant', id: tenantId },
          details: changed,
        }),
      ]);
      return tenant;
    });
    return tenantView(tenant);
  }
}
