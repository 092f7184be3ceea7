import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

export const resolverEnv = z.object({ ...commonEnv, PROVISIONING_RESOLVER_PORT: portSchema(8083) });
export type ResolverConfig = z.infer<typeof resolverEnv>;

export const loadResolverConfig = (env = process.env) => loadConfig(resolverEnv, env);
