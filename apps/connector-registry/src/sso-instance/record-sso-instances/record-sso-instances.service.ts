import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { SsoInstancesEvent } from '@org/contracts';
import { query } from '@org/database';

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
          await query(
            em,
            `insert into known_sso_connection (id, tenant_id, removed) values (?, ?, false) on conflict (id) do nothing`,
            [e.data.ssoConnectionId, e.tenantId],
          );
          break;
        case 'sso.connection.removed':
          await query(
            em,
            `insert into known_sso_connection (id, tenant_id, removed) values (?, ?, true)
             on conflict (id) do update set removed = true`,
            [e.data.ssoConnectionId, e.tenantId],
          );
          break;
        case 'sso.instance.changed':
          await query(
            em,
            `insert into known_instance (id, tenant_id, sso_connection_id, sso_app_id, app_key, app_name, has_non_social_logins, last_login_at)
             values (?, ?, ?, ?, ?, ?, ?, ?)
             on conflict (id) do update set
               app_key = excluded.app_key,
               app_name = excluded.app_name,
               has_non_social_logins = known_instance.has_non_social_logins or excluded.has_non_social_logins,
               last_login_at = greatest(known_instance.last_login_at, excluded.last_login_at)`,
            [
              e.data.instanceId,
              e.tenantId,
              e.data.ssoConnectionId,
              e.data.ssoAppId,
              e.data.appKey,
              e.data.appName,
              e.data.hasNonSocialLogins,
              e.data.lastLoginAt,
            ],
          );
          break;
      }
    }
  }
}
