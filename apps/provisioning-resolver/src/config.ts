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
  /** Days of a view rebuilt per transaction: smaller steps report progress more often and lose less to a crash. */
  RESOLVER_REBUILD_STEP_DAYS: z.coerce.number().int().min(1).max(3660).default(400),
});
export type ResolverConfig = z.infer<typeof resolverEnv>;

export const loadResolverConfig = (env = process.env) => loadConfig(resolverEnv, env);
