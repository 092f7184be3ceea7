import type { Change } from '@org/service';
import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceKey, type RegistryConnectionEvent, TOPICS } from '@org/contracts';
import { NotFoundError } from '@org/errors';
import type { OutgoingEvent } from '@org/kafka';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConnectionPeriod } from './connection-period.entity';
import { Connection } from './connection.entity';

/** A connection with its connected periods, oldest first. */
export interface ConnectionRecord extends Connection {
  periods: Array<Pick<ConnectionPeriod, 'from' | 'to'>>;
}

const uuid = z.uuid();
export const isUuid = (id: string) => uuid.safeParse(id).success;

/**
 * Connections of a tenant with their periods, all or those of one id or one instance; another
 * tenant's id is as unknown as a wrong one.
 */
export async function connectionsOf(
  em: EntityManager,
  tenantId: string,
  only: { id?: string; instanceId?: string } = {},
): Promise<ConnectionRecord[]> {
  const { id, instanceId } = only;
  if ((id !== undefined && !isUuid(id)) || (instanceId !== undefined && !isUuid(instanceId))) return [];
  const connections = await em.find(
    Connection,
    { tenantId, ...(id === undefined ? {} : { id }), ...(instanceId === undefined ? {} : { instanceId }) },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return withPeriods(em, connections);
}

/** These connections, each with its periods read now. */
export async function withPeriods(em: EntityManager, connections: Connection[]): Promise<ConnectionRecord[]> {
  const periods = await em.find(
    ConnectionPeriod,
    { connectionId: connections.map((c) => c.id) },
    { orderBy: { from: 'asc' } },
  );
  return connections.map((c) => ({
    ...c,
    periods: periods.filter((p) => p.connectionId === c.id).map(({ from, to }) => ({ from, to })),
  }));
}

export async function connectionOf(em: EntityManager, tenantId: string, id: string): Promise<ConnectionRecord> {
  const [found] = await connectionsOf(em, tenantId, { id });
  if (!found) throw new NotFoundError('connection', id);
  return found;
}

/** The API shape (SPEC §5). */
export const connectionView = (c: ConnectionRecord) => ({
  id: c.id,
  instanceId: c.instanceId,
  appKey: c.appKey,
  kind: c.kind,
  vendor: c.vendor,
  supportsLicenseTiers: c.supportsLicenseTiers,
  status: c.status,
  periods: c.periods.map((p) => ({ from: p.from.toISOString(), to: p.to ? p.to.toISOString() : null })),
  createdAt: c.createdAt.toISOString(),
});

/** The whole connection after a change, keyed by instance so one instance's changes stay in order. */
/** The audit of a lifecycle change: the connection's state after it, and from when. */
export function connectionChange(type: RegistryConnectionEvent['type'], c: ConnectionRecord): Change {
  const { instanceId, kind, vendor, supportsLicenseTiers, status } = c;
  return {
    tenantId: c.tenantId,
    action: type,
    target: { type: 'connection', id: c.id },
    details: { instanceId, kind, vendor, supportsLicenseTiers, status, effectiveAt: c.changedAt.toISOString() },
  };
}

export function connectionEvent(type: RegistryConnectionEvent['type'], c: ConnectionRecord): OutgoingEvent {
  const { id, createdAt: _createdAt, ...state } = connectionView(c);
  const event: RegistryConnectionEvent = {
    id: randomUUID(),
    type,
    version: 1,
    tenantId: c.tenantId,
    occurredAt: new Date().toISOString(),
    data: { connectionId: id, ...state, effectiveAt: c.changedAt.toISOString() },
  };
  return { topic: TOPICS.registryConnections, key: instanceKey(c.tenantId, c.instanceId), value: event };
}
