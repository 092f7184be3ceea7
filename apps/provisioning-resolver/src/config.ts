import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

const millis = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

export const resolverEnv = z.object({
  ...commonEnv,
  PROVISIONING_RESOLVER_PORT: portSchema(8083),
  /** How long a snapshot or usage naming an unknown connection waits for it (R15) before the DLQ. */
  RESOLVER_CONNECTION_WAIT_MS: millis(10 * 60_000),
  /** How long the pages of a sync wait for the missing ones before the DLQ. */
  RESOLVER_PAGE_SET_WAIT_MS: millis(24 * 3_600_000),
});
export type ResolverConfig = z.infer<typeof resolverEnv>;

export const loadResolverConfig = (env = process.env) => loadConfig(resolverEnv, env);
