import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { SsoInstanceChangedEvent, SsoInstancesEvent } from '@org/contracts';
import { tableOf } from '@org/database';
import { KnownInstance } from '../known-instance.entity';
import { KnownSsoConnection } from '../known-sso-connection.entity';

/**
 * Keeps the registry's copy of SSO connections and instances. Idempotent by natural key,
 * and order-tolerant: login data only ever grows (OR, greatest), so a replayed or late
 * event never undoes a newer one.
 */
@Injectable()
export class RecordSsoInstancesService {
  async record(em: EntityManager, events: SsoInstancesEvent[]): Promise<void> {
    for (const e of events) {
      switch (e.type) {
        case 'sso.connection.created':
          // Insert-or-ignore, not em.upsert: a removal recorded earlier must stay.
          await em
            .createQueryBuilder(KnownSsoConnection)
            .insert({ id: e.data.ssoConnectionId, tenantId: e.tenantId, removed: false })
            .onConflict('id')
            .ignore()
            .execute();
          break;
        case 'sso.connection.removed':
          await em
            .createQueryBuilder(KnownSsoConnection)
            .insert({ id: e.data.ssoConnectionId, tenantId: e.tenantId, removed: true })
            .onConflict('id')
            .merge(['removed'])
            .execute();
          break;
        case 'sso.instance.changed':
          await recordInstance(em, e);
          break;
      }
    }
  }
}

// The update merges with the stored row (OR, greatest): login data only ever grows.
async function recordInstance(em: EntityManager, { tenantId, data }: SsoInstanceChangedEvent) {
  const known = tableOf(em, KnownInstance);
  const incoming = (property: keyof KnownInstance & string) => `excluded.${known.column(property)}`;
  const stored = (property: keyof KnownInstance & string) => `${known.name}.${known.column(property)}`;
  await em
    .createQueryBuilder(KnownInstance)
    .insert({
      id: data.instanceId,
      tenantId,
      ssoConnectionId: data.ssoConnectionId,
      ssoAppId: data.ssoAppId,
      appKey: data.appKey,
      appName: data.appName,
      hasNonSocialLogins: data.hasNonSocialLogins,
      lastLoginAt: data.lastLoginAt === null ? null : new Date(data.lastLoginAt),
    })
    .onConflict('id')
    .merge({
      appKey: raw(incoming('appKey')),
      appName: raw(incoming('appName')),
      hasNonSocialLogins: raw(`${stored('hasNonSocialLogins')} or ${incoming('hasNonSocialLogins')}`),
      lastLoginAt: raw(`greatest(${stored('lastLoginAt')}, ${incoming('lastLoginAt')})`),
    })
    .execute();
}
