import type { SsoConnection } from './sso-connection.entity';

/** The API shape of an SSO connection (SPEC §5). */
export const ssoConnectionView = (c: SsoConnection) => ({
  id: c.id,
  platform: c.platform,
  name: c.name,
  createdAt: c.createdAt.toISOString(),
});
