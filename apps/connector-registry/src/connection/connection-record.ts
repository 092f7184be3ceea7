import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type ConnectionKind,
  type ConnectionStatus,
  instanceKey,
  type RegistryConnectionEvent,
  TOPICS,
} from '@org/contracts';
import { query } from '@org/database';
import { NotFoundError } from '@org/errors';
import type { OutgoingEvent } from '@org/kafka';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export interface ConnectionRecord {
  id: string;
  tenantId: string;
  instanceId: string;
  appKey: string;
  kind: ConnectionKind;
  vendor: string;
  supportsLicenseTiers: boolean;
  status: ConnectionStatus;
  createdAt: Date;
  changedAt: Date;
  periods: Array<{ from: Date; to: Date | null }>;
}

interface Row {
  id: string;
  tenant_id: string;
  instance_id: string;
  app_key: string;
  kind: ConnectionKind;
  vendor: string;
  supports_license_tiers: boolean;
  status: ConnectionStatus;
  created_at: Date;
  changed_at: Date;
  periods: Array<{ from: string; to: string | null }>;
}

const uuid = z.uuid();
export const isUuid = (id: string) => uuid.safeParse(id).success;

/** Connections of a tenant with their periods; another tenant's id is as unknown as a wrong one. */
export async function connectionsOf(em: EntityManager, tenantId: string, id?: string): Promise<ConnectionRecord[]> {
  if (id !== undefined && !isUuid(id)) return [];
  const rows = await query<Row>(
    em,
    `select c.*, coalesce(
       (select json_agg(json_build_object('from', p."from", 'to', p."to") order by p."from")
        from connection_period p where p.connection_id = c.id), '[]') as periods
     from connection c where c.tenant_id = ? ${id ? 'and c.id = ?' : ''} order by c.created_at, c.id`,
    id ? [tenantId, id] : [tenantId],
  );
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    instanceId: r.instance_id,
    appKey: r.app_key,
    kind: r.kind,
    vendor: r.vendor,
    supportsLicenseTiers: r.supports_license_tiers,
    status: r.status,
    createdAt: new Date(r.created_at),
    changedAt: new Date(r.changed_at),
    periods: r.periods.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })),
  }));
}

export async function connectionOf(em: EntityManager, tenantId: string, id: string): Promise<ConnectionRecord> {
  const [found] = await connectionsOf(em, tenantId, id);
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
