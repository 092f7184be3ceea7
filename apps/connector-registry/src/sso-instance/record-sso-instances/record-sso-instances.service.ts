import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { SsoInstanceChangedEvent, SsoInstancesEvent } from '@org/contracts';
import { query, tableOf } from '@org/database';
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

// Stays raw: the update merges with the stored row (OR, greatest), which em.upsert cannot say.
async function recordInstance(em: EntityManager, { tenantId, data }: SsoInstanceChangedEvent) {
  const row: Record<keyof KnownInstance, unknown> = {
    id: data.instanceId,
    tenantId,
    ssoConnectionId: data.ssoConnectionId,
    ssoAppId: data.ssoAppId,
    appKey: data.appKey,
    appName: data.appName,
    hasNonSocialLogins: data.hasNonSocialLogins,
    lastLoginAt: data.lastLoginAt,
  };
  const props = Object.keys(row) as Array<keyof KnownInstance>;
  const t = tableOf(em, KnownInstance);
  const [appKey, appName, logins, lastLogin] = (
    ['appKey', 'appName', 'hasNonSocialLogins', 'lastLoginAt'] as const
  ).map((p) => t.column(p));
  await query(
    em,
    `insert into ${t.name} (${t.columns(props)}) values (${props.map(() => '?').join(', ')})
     on conflict (${t.column('id')}) do update set
       ${appKey} = excluded.${appKey},
       ${appName} = excluded.${appName},
       ${logins} = ${t.name}.${logins} or excluded.${logins},
       ${lastLogin} = greatest(${t.name}.${lastLogin}, excluded.${lastLogin})`,
    props.map((p) => row[p]),
  );
}
