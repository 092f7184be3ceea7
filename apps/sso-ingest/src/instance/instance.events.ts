import { randomUUID } from 'node:crypto';
import { ssoEventKey, type SsoInstanceChangedEvent, TOPICS } from '@org/contracts';
import type { OutgoingEvent } from '@org/kafka';

export interface InstanceState {
  id: string;
  tenantId: string;
  ssoConnectionId: string;
  ssoAppId: string;
  appKey: string;
  appName: string;
  hasNonSocialLogins: boolean;
  lastLoginAt: string | null;
}

/** The instance's whole state, keyed like its SSO events, so compaction keeps the latest. */
export function instanceChanged(s: InstanceState): OutgoingEvent {
  const event: SsoInstanceChangedEvent = {
    id: randomUUID(),
    type: 'sso.instance.changed',
    version: 1,
    tenantId: s.tenantId,
    occurredAt: new Date().toISOString(),
    data: {
      instanceId: s.id,
      ssoConnectionId: s.ssoConnectionId,
      ssoAppId: s.ssoAppId,
      appKey: s.appKey,
      appName: s.appName,
      hasNonSocialLogins: s.hasNonSocialLogins,
      lastLoginAt: s.lastLoginAt,
    },
  };
  return { topic: TOPICS.ssoInstances, key: ssoEventKey(s.tenantId, s.ssoConnectionId, s.ssoAppId), value: event };
}
