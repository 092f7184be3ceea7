// Valid example events for tests; override any field. A second entry point
// (@org/contracts/testing) so production code never imports it.
import { randomUUID } from 'node:crypto';
import type {
  ConnectorSnapshotEvent,
  RegistryConnectionEvent,
  SsoAssignmentsEvent,
  SsoInstanceChangedEvent,
  SsoLoginEvent,
} from './index';
import { newEvent } from './envelope';
import { estimateKey, ssoEventKey } from './keys';

type DataOverrides<E extends { data: unknown }> = Partial<Omit<E, 'data'>> & { data?: Partial<E['data']> };

function envelope<E extends { type: string; data: unknown }>(type: E['type'], data: E['data'], o: DataOverrides<E>): E {
  const { data: dataOverrides, ...rest } = o;
  return {
    id: randomUUID(),
    type,
    version: 1,
    tenantId: 'tenant-a',
    occurredAt: new Date().toISOString(),
    ...rest,
    data: { ...(data as object), ...(dataOverrides as object) },
  } as unknown as E;
}

export const aLogin = (o: DataOverrides<SsoLoginEvent> = {}): SsoLoginEvent =>
  envelope<SsoLoginEvent>(
    'sso.login',
    {
      ssoConnectionId: randomUUID(),
      ssoAppId: 'app-1',
      appKey: 'salesforce',
      appName: 'Salesforce',
      userId: 'user-1',
      email: 'user-1@example.com',
      method: 'sso',
      at: new Date().toISOString(),
    },
    o,
  );

export const anAssignmentPage = (o: DataOverrides<SsoAssignmentsEvent> = {}): SsoAssignmentsEvent =>
  envelope<SsoAssignmentsEvent>(
    'sso.assignments',
    {
      ssoConnectionId: randomUUID(),
      ssoAppId: 'app-1',
      appKey: 'salesforce',
      appName: 'Salesforce',
      asOf: new Date().toISOString(),
      syncId: randomUUID(),
      page: 1,
      pageCount: 1,
      users: [{ userId: 'user-1', email: 'user-1@example.com' }],
    },
    o,
  );

export const aSnapshotPage = (o: DataOverrides<ConnectorSnapshotEvent> = {}): ConnectorSnapshotEvent =>
  envelope<ConnectorSnapshotEvent>(
    'connector.snapshot',
    {
      connectionId: randomUUID(),
      syncId: randomUUID(),
      asOf: new Date().toISOString(),
      page: 1,
      pageCount: 1,
      users: [{ userId: 'user-1', email: 'user-1@example.com', tier: 'Pro', status: 'active' }],
    },
    o,
  );

const STATUS_AFTER = {
  'connection.connected': 'connected',
  'connection.disconnected': 'disconnected',
  'connection.reconnected': 'connected',
  'connection.deleted': 'deleted',
} as const;

/** A `registry.connections.v1` event: the whole connection after `type`, connected now unless overridden. */
export function aConnectionChange(
  type: RegistryConnectionEvent['type'],
  o: DataOverrides<RegistryConnectionEvent> = {},
): RegistryConnectionEvent {
  const effectiveAt = o.data?.effectiveAt ?? new Date().toISOString();
  return envelope<RegistryConnectionEvent>(
    type,
    {
      connectionId: randomUUID(),
      instanceId: randomUUID(),
      appKey: 'salesforce',
      kind: 'provisioning',
      vendor: 'acme',
      supportsLicenseTiers: true,
      status: STATUS_AFTER[type],
      effectiveAt,
      periods: [{ from: effectiveAt, to: null }],
    },
    o,
  );
}

/**
 * An `sso.estimates.v1` message as sso-ingest publishes it (keyed by tenant, instance and user):
 * `userId` estimated provisioned over `intervals` (days, `to` null while open).
 */
export function anEstimateMessage(
  tenantId: string,
  instanceId: string,
  userId: string,
  intervals: Array<{ from: string; to: string | null }>,
) {
  return {
    key: estimateKey(tenantId, instanceId, userId),
    value: newEvent('sso.estimate', tenantId, { instanceId, userId, email: `${userId}@acme.test`, intervals }),
  };
}

/**
 * An `sso.instances.v1` message as sso-ingest publishes it (keyed by tenant, SSO connection and
 * app): the whole state of one instance; every field but `instanceId` has a default.
 */
export function anInstanceMessage(
  tenantId: string,
  data: Partial<SsoInstanceChangedEvent['data']> & { instanceId: string },
) {
  const state = {
    ssoConnectionId: randomUUID(),
    ssoAppId: 'app-1',
    appKey: 'salesforce',
    appName: 'Salesforce',
    hasNonSocialLogins: true,
    lastLoginAt: null,
    firstLoginAt: null,
    ...data,
  };
  return {
    key: ssoEventKey(tenantId, state.ssoConnectionId, state.ssoAppId),
    value: newEvent('sso.instance.changed', tenantId, state),
  };
}
