import type { GatewayConfig } from '../config';

type Upstream = 'SSO_INGEST_URL' | 'SSO_SOURCES_URL' | 'CONNECTOR_REGISTRY_URL' | 'PROVISIONING_RESOLVER_URL';

// Which service owns which path (SPEC §6). Checked in order: the first match wins.
const ROUTES: Array<[RegExp, Upstream]> = [
  [/^\/v1\/sso-connections\/[^/]+\/source(\/|$)/, 'SSO_SOURCES_URL'],
  [/^\/v1\/sso-connections(\/|$)/, 'SSO_INGEST_URL'],
  [/^\/v1\/connections\/[^/]+\/delete-preview$/, 'PROVISIONING_RESOLVER_URL'],
  [/^\/v1\/connections(\/|$)/, 'CONNECTOR_REGISTRY_URL'],
  [/^\/v1\/applications(\/|$)/, 'CONNECTOR_REGISTRY_URL'],
  [/^\/v1\/instances(\/|$)/, 'PROVISIONING_RESOLVER_URL'],
  [/^\/v1\/reclamation(\/|$)/, 'PROVISIONING_RESOLVER_URL'],
];

export function upstreamOf(url: string, config: Pick<GatewayConfig, Upstream>): string | null {
  const path = url.split('?')[0];
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  return route ? config[route[1]] : null;
}
