import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

export const ssoSourcesEnv = z.object({
  ...commonEnv,
  SSO_SOURCES_PORT: portSchema(8085),
  /**
   * AES-256-GCM key of the sources' secrets: 32 bytes, base64 (`npm start` generates one and
   * keeps it with the other secrets under .data/). Losing it makes every stored secret unreadable.
   */
  SOURCES_ENCRYPTION_KEY: z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length === 32, '32 bytes, base64 (openssl rand -base64 32)'),
  /**
   * Sources may point at http:// URLs and at loopback or private addresses (tests, a local
   * mock of a platform). Off in production: a tenant could otherwise make this service call
   * anything on its network.
   */
  SSO_SOURCES_ALLOW_PRIVATE_URLS: z.stringbool().default(false),
  /** How far back the first poll of a new source reads logins. */
  SSO_SOURCES_FIRST_POLL_DAYS: z.coerce.number().int().min(0).max(180).default(7),
  /** Sources polled at once by this instance; one slow or throttled source holds one of them. */
  SSO_SOURCES_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** How often due sources are looked for. */
  SSO_SOURCES_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Backoff after a failed poll: base and ceiling (doubling per failure in a row). */
  SSO_SOURCES_BACKOFF_MS: z.coerce.number().int().min(10).default(5_000),
  SSO_SOURCES_MAX_BACKOFF_MS: z.coerce.number().int().min(10).default(900_000),
  /**
   * A poll holds its source this long, renewed with every page: another instance (or this one
   * restarted) takes the source up this long after a crash.
   */
  SSO_SOURCES_LEASE_MS: z.coerce.number().int().min(100).default(60_000),
  /** One request to a platform gives up after this long. */
  SSO_SOURCES_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
});
export type SsoSourcesConfig = z.infer<typeof ssoSourcesEnv>;

export const loadSsoSourcesConfig = (env = process.env) => loadConfig(ssoSourcesEnv, env);
