import type { EntityManager } from '@mikro-orm/postgresql';
import type { SsoInstancesEvent } from '@org/contracts';
import { SsoSource } from '../source/sso-source.entity';
import { KnownApp } from './known-app.entity';
import { KnownSsoConnection } from './known-sso-connection.entity';

/**
 * The service's copy of SSO connections and their apps (sso.instances.v1). Idempotent by
 * natural key; a removal is final (a late `created` does not bring the connection back), and
 * detaches the connection's source in the same transaction: nothing polls for it any more.
 */
export async function recordSsoConnections(em: EntityManager, events: SsoInstancesEvent[]): Promise<void> {
  for (const e of events) {
    switch (e.type) {
      case 'sso.connection.created':
        await em
          .createQueryBuilder(KnownSsoConnection)
          .insert({ id: e.data.ssoConnectionId, tenantId: e.tenantId, platform: e.data.platform, removed: false })
          .onConflict('id')
          .ignore()
          .execute();
        break;
      case 'sso.connection.removed':
        await em
          .createQueryBuilder(KnownSsoConnection)
          .insert({ id: e.data.ssoConnectionId, tenantId: e.tenantId, platform: null, removed: true })
          .onConflict('id')
          .merge(['removed'])
          .execute();
        await em.nativeDelete(SsoSource, { ssoConnectionId: e.data.ssoConnectionId, tenantId: e.tenantId });
        break;
      case 'sso.instance.changed':
        await em.upsert(
          KnownApp,
          {
            ssoConnectionId: e.data.ssoConnectionId,
            ssoAppId: e.data.ssoAppId,
            tenantId: e.tenantId,
            appKey: e.data.appKey,
            appName: e.data.appName,
          },
          { onConflictFields: ['ssoConnectionId', 'ssoAppId'], disableIdentityMap: true },
        );
        break;
    }
  }
}
