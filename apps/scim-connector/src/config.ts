import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

export const scimConnectorEnv = z.object({
  KAFKA_BROKERS: commonEnv.KAFKA_BROKERS,
  KAFKA_TOPIC_PREFIX: commonEnv.KAFKA_TOPIC_PREFIX,
  // The `connector` principal's credentials on a secured cluster (SPEC §7).
  KAFKA_SASL_MECHANISM: commonEnv.KAFKA_SASL_MECHANISM,
  KAFKA_USERNAME: commonEnv.KAFKA_USERNAME,
  KAFKA_PASSWORD: commonEnv.KAFKA_PASSWORD,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  /** The tenant and the connection (made with POST /v1/connections) this connector feeds. */
  SCIM_TENANT_ID: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
  SCIM_CONNECTION_ID: z.uuid(),
  /** The app's SCIM 2.0 base URL (…/scim/v2) and its bearer token. */
  SCIM_BASE_URL: z.url(),
  SCIM_TOKEN: z.string().min(1),
  /** Where the license tier is: `roles`, `entitlements`, `roles[type eq "license"].value`, an extension URN… */
  SCIM_TIER_ATTRIBUTE: z.string().min(1).default('roles'),
  /** A sync every this often (0: only on demand). */
  SCIM_SYNC_EVERY_MS: z.coerce.number().int().min(0).default(3_600_000),
  SCIM_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  SCIM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  SCIM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  SCIM_RETRY_BASE_MS: z.coerce.number().int().min(1).default(500),
  SCIM_CONNECTOR_PORT: portSchema(8084),
  SCIM_CONNECTOR_HOST: z.string().default('127.0.0.1'),
  /** Bearer token of `POST /v1/sync` (a sync on demand). */
  SCIM_CONNECTOR_API_TOKEN: z.string().min(16, 'at least 16 characters'),
});
export type ScimConnectorConfig = z.infer<typeof scimConnectorEnv>;

export const loadScimConnectorConfig = (env = process.env) => loadConfig(scimConnectorEnv, env);
