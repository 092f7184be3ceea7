import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { createKeyRequest } from '@org/contracts';
import { DomainError, NotFoundError, parseRequest } from '@org/errors';
import { recordChange } from '@org/service';
import { randomUUID } from 'node:crypto';
import { newApiKey } from '../auth/api-key';
import { CurrentKey, CurrentTenant } from '../auth/api-key.guard';
import { TenantKeys } from '../auth/tenant-keys';
import { ApiKey } from '../tenant/api-key.entity';

const keyView = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SPEC §5's `/v1/tenant/keys`: a tenant's keys, made (shown once), listed and revoked. */
@Controller('v1/tenant/keys')
export class KeysHttpController {
  constructor(
    private readonly em: EntityManager,
    private readonly keys: TenantKeys,
  ) {}

  @Get()
  async list(@CurrentTenant() tenantId: string) {
    const keys = await this.em.fork().find(ApiKey, { tenantId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { items: keys.map(keyView) };
  }

  @Post()
  async create(@CurrentTenant() tenantId: string, @CurrentKey() keyId: string, @Body() body: unknown) {
    const { name, scope } = parseRequest(createKeyRequest, body);
    const { key, hash } = newApiKey();
    const id = randomUUID();
    await this.em.fork().transactional(async (em) => {
      em.create(ApiKey, { id, keyHash: hash, tenantId, name, scope, createdAt: new Date() });
      await em.flush();
      await recordChange(em, {
        tenantId,
        keyId,
        action: 'key.created',
        target: { type: 'key', id },
        details: { name, scope },
      });
    });
    return { id, name, scope, apiKey: key };
  }

  /** Revoking twice answers 204 again; the last admin key of a tenant stays (409 LAST_ADMIN_KEY). */
  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentTenant() tenantId: string, @CurrentKey() keyId: string, @Param('id') id: string) {
    if (!UUID.test(id)) throw new NotFoundError('key', id);
    await this.em.fork().transactional(async (em) => {
      // The tenant's keys locked together: two revocations at once cannot each leave the other as the last admin.
      const keys = await em.find(ApiKey, { tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const key = keys.find((k) => k.id === id);
      if (!key) throw new NotFoundError('key', id);
      if (key.revokedAt) return;
      const otherAdmins = keys.filter((k) => k.scope === 'admin' && !k.revokedAt && k.id !== id);
      if (key.scope === 'admin' && !otherAdmins.length)
        throw new DomainError('LAST_ADMIN_KEY', 'this is the last admin key of the tenant: make another one first');
      key.revokedAt = new Date();
      await em.flush();
      await recordChange(em, {
        tenantId,
        keyId,
        action: 'key.revoked',
        target: { type: 'key', id },
        details: { name: key.name, scope: key.scope },
      });
    });
    this.keys.forget(id);
  }
}
