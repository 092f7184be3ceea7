import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

export const registryEnv = z.object({ ...commonEnv, CONNECTOR_REGISTRY_PORT: portSchema(8082) });
export type RegistryConfig = z.infer<typeof registryEnv>;

export const loadRegistryConfig = (env = process.env) => loadConfig(registryEnv, env);
