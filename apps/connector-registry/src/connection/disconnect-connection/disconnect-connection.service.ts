import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@org/errors';
import { ConnectionPeriod } from '../connection-period.entity';
import type { ConnectionRecord } from '../connection-record';
import { changeConnection } from '../lifecycle';

@Injectable()
export class DisconnectConnectionService {
  constructor(private readonly em: EntityManager) {}

  /** R10: closes the open period; from that day the instance shows the SSO estimate again. */
  disconnect(tenantId: string, id: string, effectiveAt?: string): Promise<ConnectionRecord> {
    return changeConnection(
      this.em,
      tenantId,
      id,
      effectiveAt,
      'connection.disconnected',
      (c) => {
        if (c.status !== 'connected')
          throw new DomainError('INVALID_TRANSITION', `a ${c.status} connection cannot be disconnected`);
        return 'disconnected';
      },
      async (c, at, em) => {
        await em.nativeUpdate(ConnectionPeriod, { connectionId: c.id, to: null }, { to: at });
      },
    );
  }
}
