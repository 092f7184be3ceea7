import type { EntityManager } from '@mikro-orm/postgresql';
import { Connection } from '../../connection/connection.entity';
import { KnownInstance } from '../../sso-instance/known-instance.entity';
import { KnownSsoConnection } from '../../sso-instance/known-sso-connection.entity';
import type { EligibilityFacts } from './eligibility';

/** The facts of R4–R7 for one tenant and application, from what sso-ingest announced and the connections. */
export async function eligibilityFactsOf(
  em: EntityManager,
  tenantId: string,
  appKey: string,
): Promise<EligibilityFacts> {
  const ssoConnections = await em.find(KnownSsoConnection, { tenantId, removed: false });
  const instances = await em.find(
    KnownInstance,
    { tenantId, appKey, ssoConnectionId: ssoConnections.map((s) => s.id) },
    { orderBy: { id: 'asc' } },
  );
  const connected = await em.find(Connection, {
    instanceId: instances.map((i) => i.id),
    status: { $ne: 'deleted' },
  });
  return {
    hasSsoConnection: ssoConnections.length > 0,
    instances: instances.map((i) => ({
      instanceId: i.id,
      hasNonSocialLogins: i.hasNonSocialLogins,
      connected: connected.some((c) => c.instanceId === i.id),
    })),
  };
}
