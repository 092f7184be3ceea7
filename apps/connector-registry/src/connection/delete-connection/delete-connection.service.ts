import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@org/errors';
import type { ConnectionRecord } from '../connection-record';
import { changeConnection } from '../lifecycle';

@Injectable()
export class DeleteConnectionService {
  constructor(private readonly em: EntityManager) {}

  /** R12: only a disconnected connection; deleting a deleted one again changes nothing. */
  delete(tenantId: string, id: string, effectiveAt?: string): Promise<ConnectionRecord> {
    return changeConnection(this.em, tenantId, id, effectiveAt, 'connection.deleted', (c) => {
      if (c.status === 'deleted') return 'unchanged';
      if (c.status === 'connected')
        throw new DomainError('CONNECTION_STILL_CONNECTED', 'disconnect the connection before deleting it');
      return 'deleted';
    });
  }
}
