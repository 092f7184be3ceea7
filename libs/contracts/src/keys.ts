import { createHash } from 'node:crypto';

// Message keys of SPEC §4: one instance's (or one connection's) events share a partition,
// so they stay in order. Consumers read ids from the envelope, never from the key.

export const ssoEventKey = (tenantId: string, ssoConnectionId: string, ssoAppId: string) =>
  `${tenantId}:${ssoConnectionId}:${ssoAppId}`;

export const connectorEventKey = (tenantId: string, connectionId: string) => `${tenantId}:${connectionId}`;

export const ssoConnectionKey = (tenantId: string, ssoConnectionId: string) => `${tenantId}:${ssoConnectionId}`;

export const instanceKey = (tenantId: string, instanceId: string) => `${tenantId}:${instanceId}`;

export const estimateKey = (tenantId: string, instanceId: string, userId: string) =>
  `${tenantId}:${instanceId}:${userId}`;

/** `sso.user-activity.v1`: one user of one instance, like an estimate. */
export const userActivityKey = estimateKey;

export const activityKey = (tenantId: string, instanceId: string, day: string) => `${tenantId}:${instanceId}:${day}`;

/**
 * The id of the instance (SSO connection, SSO app id) of a tenant: a name-based UUID
 * (RFC 9562 v5 layout over SHA-1), so every service derives the same id from the same
 * facts and a replay never mints a second one.
 */
export function instanceIdOf(tenantId: string, ssoConnectionId: string, ssoAppId: string): string {
  const name = `${tenantId}\u0000${ssoConnectionId}\u0000${ssoAppId}`;
  let id = instanceIds.get(name);
  if (!id) {
    if (instanceIds.size >= 100_000) instanceIds.clear();
    id = nameBasedUuid(`instance\u0000${name}`);
    instanceIds.set(name, id);
  }
  return id;
}

// Hot paths derive the id of every event's instance: remember the few thousand in use.
const instanceIds = new Map<string, string>();

function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
