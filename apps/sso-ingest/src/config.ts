import { commonEnv, loadConfig, portSchema } from '@org/config';
import { z } from 'zod';

export const ssoIngestEnv = z.object({ ...commonEnv, SSO_INGEST_PORT: portSchema(8081) });
export type SsoIngestConfig = z.infer<typeof ssoIngestEnv>;

export const loadSsoIngestConfig = (env = process.env) => loadConfig(ssoIngestEnv, env);
