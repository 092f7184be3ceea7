import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { randomUUID } from 'node:crypto';
import { ApiKey } from '../api-key.entity';
import { newApiKey } from '../../auth/api-key';
import { Tenant } from '../tenant.entity';
import { tenantChanged } from '../tenant.events';
import type { CreateTenantRequest } from '@org/contracts';

@Injectable()
export class CreateTenantService {
  constructor(private readonly em: EntityManager) {}

  /** Returns the tenant and its key in clear: the only time anyone sees the key. */
  async create(input: CreateTenantRequest): Promise<{ tenant: Tenant; apiKey: string }> {
    const { key, hash } = newApiKey();
    const tenant = await this.em.transactional(async (em) => {
      const tenant = em.create(Tenant, { id: randomUUID(), ...input, createdAt: new Date() });
      // SPEC §5: the key a tenant is made with has scope admin.
      const firstKey = em.create(ApiKey, {
        id: randomUUID(),
        keyHash: hash,
        tenantId: tenant.id,
        name: 'First key',
        scope: 'admin',
        createdAt: new Date(),
      });
      await em.flush();
      const tenantId = tenant.id;
      const { name, timeZone, estimateWindowDays, inactiveAfterDays } = tenant;
      // Made with the admin key, which has no id.
      await addToOutbox(em, [
        tenantChanged(tenant),
        auditEntry({
          tenantId,
          keyId: null,
          action: 'tenant.created',
          target: { type: 'tenant', id: tenantId },
          details: { name, timeZone, estimateWindowDays, inactiveAfterDays },
        }),
        auditEntry({
          tenantId,
          keyId: null,
          action: 'key.created',
          target: { type: 'key', id: firstKey.id },
          details: { name: firstKey.name, scope: firstKey.scope },
        }),
      ]);
      return tenant;
    });
    return { tenant, apiKey: key };
  }
}
