// The four services, as the tools start, migrate and check them.
import type { ServiceDatabase } from '@org/database';
import { registryDatabase } from '../apps/connector-registry/src/database';
import { gatewayDatabase } from '../apps/gateway/src/database';
import { resolverDatabase } from '../apps/provisioning-resolver/src/database';
import { ssoIngestDatabase } from '../apps/sso-ingest/src/database';

export interface ServiceInfo {
  name: string;
  database: ServiceDatabase;
  portVar: string;
  defaultPort: number;
}

export const SERVICES: ServiceInfo[] = [
  { name: 'sso-ingest', database: ssoIngestDatabase, portVar: 'SSO_INGEST_PORT', defaultPort: 8081 },
  { name: 'connector-registry', database: registryDatabase, portVar: 'CONNECTOR_REGISTRY_PORT', defaultPort: 8082 },
  {
    name: 'provisioning-resolver',
    database: resolverDatabase,
    portVar: 'PROVISIONING_RESOLVER_PORT',
    defaultPort: 8083,
  },
  { name: 'gateway', database: gatewayDatabase, portVar: 'GATEWAY_PORT', defaultPort: 8080 },
];

export const serviceNamed = (name: string): ServiceInfo => {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service "${name}"; one of ${SERVICES.map((s) => s.name).join(', ')}`);
  return found;
};
