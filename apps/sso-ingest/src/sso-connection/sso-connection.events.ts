import { randomUUID } from 'node:crypto';
import { ssoConnectionKey, TOPICS } from '@org/contracts';
import type { OutgoingEvent } from '@org/kafka';
import type { SsoConnection } from './sso-connection.entity';

export function ssoConnectionCreated(c: SsoConnection): OutgoingEvent {
  return {
    topic: TOPICS.ssoInstances,
    key: ssoConnectionKey(c.tenantId, c.id),
    value: {
      id: randomUUID(),
      type: 'sso.connection.created',
      version: 1,
      tenantId: c.tenantId,
      occurredAt: new Date().toISOString(),
      data: { ssoConnectionId: c.id, platform: c.platform, name: c.name, createdAt: c.createdAt.toISOString() },
    } as OutgoingEvent['value'],
  };
}

export function ssoConnectionRemoved(c: SsoConnection): OutgoingEvent {
  return {
    topic: TOPICS.ssoInstances,
    key: ssoConnectionKey(c.tenantId, c.id),
    value: {
      id: randomUUID(),
      type: 'sso.connection.removed',
      version: 1,
      tenantId: c.tenantId,
      occurredAt: new Date().toISOString(),
      data: { ssoConnectionId: c.id },
    } as OutgoingEvent['value'],
  };
}
