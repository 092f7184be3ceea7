import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get } from '@nestjs/common';
import { TenantId } from '@org/service';
import { Connection } from '../../connection/connection.entity';
import { KnownInstance } from '../../sso-instance/known-instance.entity';
import { KnownSsoConnection } from '../../sso-instance/known-sso-connection.entity';

/** Applications of the tenant with their SSO instances (SPEC §5); instances of removed SSO connections are gone. */
@Controller('v1/applications')
export class ListApplicationsHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  async list(@TenantId() tenantId: string) {
    const ssoConnections = await this.em.find(KnownSsoConnection, { tenantId, removed: false });
    const instances = await this.em.find(
      KnownInstance,
      { tenantId, ssoConnectionId: ssoConnections.map((s) => s.id) },
      { orderBy: { appKey: 'asc', appName: 'asc', ssoConnectionId: 'asc', ssoAppId: 'asc' } },
    );
    // At most one per instance is not deleted (R6).
    const connections = await this.em.find(Connection, {
      instanceId: instances.map((i) => i.id),
      status: { $ne: 'deleted' },
    });
    const connectionOf = new Map(connections.map((c) => [c.instanceId, c]));
    const byApp = new Map<string, { appKey: string; appName: string; instances: unknown[] }>();
    for (const i of instances) {
      if (!byApp.has(i.appKey)) byApp.set(i.appKey, { appKey: i.appKey, appName: i.appName, instances: [] });
      const c = connectionOf.get(i.id);
      byApp.get(i.appKey)!.instances.push({
        instanceId: i.id,
        ssoConnectionId: i.ssoConnectionId,
        ssoAppId: i.ssoAppId,
        hasNonSocialLogins: i.hasNonSocialLogins,
        lastLoginAt: i.lastLoginAt?.toISOString() ?? null,
        connection: c ? { id: c.id, kind: c.kind, vendor: c.vendor, status: c.status } : null,
      });
    }
    return { items: [...byApp.values()] };
  }
}
