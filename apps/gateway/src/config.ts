import { commonEnv, loadConfig, portSchema } from '@org/config';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const gatewayEnv = z.object({
  ...commonEnv,
  GATEWAY_PORT: portSchema(8080),
  /** Interface the gateway listens on; 0.0.0.0 to serve other machines. */
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  // Any non-empty key the operator chooses; `npm start` generates a long random one.
  ADMIN_API_KEY: z.string().min(1, 'required'),
  SSO_INGEST_URL: z.url().default('http://127.0.0.1:8081'),
  SSO_SOURCES_URL: z.url().default('http://127.0.0.1:8085'),
  CONNECTOR_REGISTRY_URL: z.url().default('http://127.0.0.1:8082'),
  PROVISIONING_RESOLVER_URL: z.url().default('http://127.0.0.1:8083'),
  /** The built dashboard (tools/build-dashboard.mjs), served at `/`. */
  /** Recent view answers kept by the gateway (0 turns the cache off), dropped on resolver.views.v1. */
  GATEWAY_VIEW_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
  /** The longest a cached view answer is served, should a change never be heard of. */
  GATEWAY_VIEW_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /** Each key's request budget (SPEC §5): a token bucket refilled at this rate… */
  GATEWAY_RATE_LIMIT_PER_S: z.coerce.number().positive().default(50),
  /** …holding at most this many requests (a burst). */
  GATEWAY_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  DASHBOARD_DIR: z.string().default(join(workspaceRoot(), 'dist/apps/dashboard')),
});
export type GatewayConfig = z.infer<typeof gatewayEnv>;

export const loadGatewayConfig = (env = process.env) => loadConfig(gatewayEnv, env);

/** The checkout this gateway runs from (from source or from dist/): the folder with nx.json. */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
