import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get } from '@nestjs/common';
import { TenantId } from '@org/service';
import { query } from '@org/database';

interface InstanceRow {
  id: string;
  sso_connection_id: string;
  sso_app_id: string;
  app_key: string;
  app_name: string;
  has_non_social_logins: boolean;
  last_login_at: Date | null;
  connection_id: string | null;
  kind: string | null;
  vendor: string | null;
  status: string | null;
}

/** Applications of the tenant with their SSO instances (SPEC §5); instances of removed SSO connections are gone. */
@Controller('v1/applications')
export class ListApplicationsHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  async list(@TenantId() tenantId: string) {
    const rows = await query<InstanceRow>(
      this.em,
      `select i.*, c.id as connection_id, c.kind, c.vendor, c.status
       from known_instance i
       left join connection c on c.instance_id = i.id and c.status <> 'deleted'
       join known_sso_connection s on s.id = i.sso_connection_id and s.tenant_id = i.tenant_id and not s.removed
       where i.tenant_id = ?
       order by i.app_key, i.app_name, i.sso_connection_id, i.sso_app_id`,
      [tenantId],
    );
    const byApp = new Map<string, { appKey: string; appName: string; instances: unknown[] }>();
    for (const r of rows) {
      if (!byApp.has(r.app_key)) byApp.set(r.app_key, { appKey: r.app_key, appName: r.app_name, instances: [] });
      byApp.get(r.app_key)!.instances.push({
        instanceId: r.id,
        ssoConnectionId: r.sso_connection_id,
        ssoAppId: r.sso_app_id,
        hasNonSocialLogins: r.has_non_social_logins,
        lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
        connection: r.connection_id ? { id: r.connection_id, kind: r.kind, vendor: r.vendor, status: r.status } : null,
      });
    }
    return { items: [...byApp.values()] };
  }
}
