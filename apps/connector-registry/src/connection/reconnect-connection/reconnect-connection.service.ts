import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@org/errors';
import { ConnectionPeriod } from '../connection-period.entity';
import type { ConnectionRecord } from '../connection-record';
import { changeConnection } from '../lifecycle';

@Injectable()
export class ReconnectConnectionService {
  constructor(private readonly em: EntityManager) {}

  /** R11: a disconnected connection starts a new connected period. */
  reconnect(tenantId: string, id: string, effectiveAt?: string): Promise<ConnectionRecord> {
    return changeConnection(
      this.em,
      tenantId,
      id,
      effectiveAt,
      'connection.reconnected',
      (c) => {
        if (c.status !== 'disconnected')
          throw new DomainError('INVALID_TRANSITION', `a ${c.status} connection cannot be reconnected`);
        return 'connected';
      },
      async (c, at, em) => {
        await em.insert(ConnectionPeriod, { connectionId: c.id, instanceId: c.instanceId, from: at });
      },
    );
  }
}
