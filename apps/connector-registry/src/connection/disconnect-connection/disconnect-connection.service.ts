import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query } from '@org/database';
import { DomainError } from '@org/errors';
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
        await query(em, 'update connection_period set "to" = ? where connection_id = ? and "to" is null', [
          at.toISOString(),
          c.id,
        ]);
      },
    );
  }
}
