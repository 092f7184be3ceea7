import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import type { EligibilityFacts } from './eligibility';

/** The facts of R4–R7 for one tenant and application, from what sso-ingest announced and the connections. */
export async function eligibilityFactsOf(
  em: EntityManager,
  tenantId: string,
  appKey: string,
): Promise<EligibilityFacts> {
  const [sso] = await query<{ any: boolean }>(
    em,
    'select exists(select 1 from known_sso_connection where tenant_id = ? and not removed) as any',
    [tenantId],
  );
  const instances = await query<{ id: string; has_non_social_logins: boolean; connected: boolean }>(
    em,
    `select i.id, i.has_non_social_logins,
            exists(select 1 from connection c where c.instance_id = i.id and c.status <> 'deleted') as connected
     from known_instance i
     join known_sso_connection s on s.id = i.sso_connection_id and s.tenant_id = i.tenant_id and not s.removed
     where i.tenant_id = ? and i.app_key = ?
     order by i.id`,
    [tenantId, appKey],
  );
  return {
    hasSsoConnection: sso.any,
    instances: instances.map((i) => ({
      instanceId: i.id,
      hasNonSocialLogins: i.has_non_social_logins,
      connected: i.connected,
    })),
  };
}
