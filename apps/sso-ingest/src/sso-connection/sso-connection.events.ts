import { randomUUID } from 'node:crypto';
import { ssoConnectionKey, type SsoInstancesEvent, TOPICS } from '@org/contracts';
import type { OutgoingEvent } from '@org/kafka';
import type { SsoConnection } from './sso-connection.entity';

/** What connector-registry learns of SSO connections (R4), on sso.instances.v1 keyed by connection. */
function ssoConnectionEvent(c: SsoConnection, event: Pick<SsoInstancesEvent, 'type' | 'data'>): OutgoingEvent {
  const value = {
    id: randomUUID(),
    version: 1,
    tenantId: c.tenantId,
    occurredAt: new Date().toISOString(),
    ...event,
  } as SsoInstancesEvent;
  return { topic: TOPICS.ssoInstances, key: ssoConnectionKey(c.tenantId, c.id), value };
}

export const ssoConnectionCreated = (c: SsoConnection) =>
  ssoConnectionEvent(c, {
    type: 'sso.connection.created',
    data: { ssoConnectionId: c.id, platform: c.platform, name: c.name, createdAt: c.createdAt.toISOString() },
  });

export const ssoConnectionRemoved = (c: SsoConnection) =>
  ssoConnectionEvent(c, { type: 'sso.connection.removed', data: { ssoConnectionId: c.id } });
