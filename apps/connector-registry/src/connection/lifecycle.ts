import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectionStatus, RegistryConnectionEvent } from '@org/contracts';
import { query } from '@org/database';
import { NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { type ConnectionRecord, connectionEvent, connectionOf, isUuid } from './connection-record';
import { constraintRefusal, effectiveAtOf } from './effective-at';

/**
 * One lifecycle change (R10–R12) in one transaction: lock the connection, let `transition`
 * decide the new status (or refuse), only then check the effective time — a refused transition
 * or a repeated delete answers the same whatever `effectiveAt` says — and let `write` record it;
 * then queue the connection's new state on registry.connections.v1 through the outbox.
 */
export async function changeConnection(
  em: EntityManager,
  tenantId: string,
  id: string,
  effectiveAt: string | undefined,
  eventType: RegistryConnectionEvent['type'],
  transition: (connection: ConnectionRecord) => ConnectionStatus | 'unchanged',
  write: (connection: ConnectionRecord, at: Date, em: EntityManager) => Promise<void> = async () => undefined,
): Promise<ConnectionRecord> {
  try {
    return await em.transactional(async (tx) => {
      // Lock first, then read: a concurrent change is seen whole. Another tenant's id is a 404.
      const [locked] = isUuid(id)
        ? await query(tx, 'select 1 from connection where id = ? and tenant_id = ? for update', [id, tenantId])
        : [];
      if (!locked) throw new NotFoundError('connection', id);
      const connection = await connectionOf(tx, tenantId, id);
      const status = transition(connection);
      if (status === 'unchanged') return connection;
      const at = await effectiveAtOf(tx, connection.instanceId, effectiveAt);
      await write(connection, at, tx);
      await query(tx, 'update connection set status = ?, changed_at = ? where id = ?', [status, at.toISOString(), id]);
      const changed = await connectionOf(tx, tenantId, id);
      await addToOutbox(tx, [connectionEvent(eventType, changed)]);
      return changed;
    });
  } catch (error) {
    throw constraintRefusal(error) ?? error;
  }
}
