import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import type { ConnectionStatus, RegistryConnectionEvent } from '@org/contracts';
import { NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { type ConnectionRecord, connectionChange, connectionEvent, isUuid, withPeriods } from './connection-record';
import { Connection } from './connection.entity';
import { constraintRefusal, effectiveAtOf } from './effective-at';

/**
 * One lifecycle change (R10–R12) in one transaction: lock the connection, let `transition`
 * decide the new status (or refuse), only then check the effective time — a refused transition
 * or a repeated delete answers the same whatever `effectiveAt` says — and let `write` record it;
 * then queue the connection's new state on registry.connections.v1 through the outbox, and its audit.
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
      // Read under the row lock (for update), periods after: a concurrent change is seen whole.
      // Another tenant's id is a 404.
      const locked = isUuid(id)
        ? await tx.findOne(Connection, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
        : null;
      if (!locked) throw new NotFoundError('connection', id);
      const [connection] = await withPeriods(tx, [locked]);
      const status = transition(connection);
      if (status === 'unchanged') return connection;
      const at = await effectiveAtOf(tx, connection.instanceId, effectiveAt);
      await write(connection, at, tx);
      locked.status = status;
      locked.changedAt = at;
      await tx.flush();
      const [changed] = await withPeriods(tx, [locked]);
      await addToOutbox(tx, [connectionEvent(eventType, changed), auditEntry(connectionChange(eventType, changed))]);
      return changed;
    });
  } catch (error) {
    throw constraintRefusal(error) ?? error;
  }
}
