import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query } from '@org/database';
import { DomainError, NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { SsoConnection } from '../sso-connection.entity';
import { ssoConnectionRemoved } from '../sso-connection.events';

@Injectable()
export class DeleteSsoConnectionService {
  constructor(private readonly em: EntityManager) {}

  /** Another tenant's id answers 404 like an unknown one. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const connection = await em.findOne(
        SsoConnection,
        { id, tenantId, deletedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!connection) throw new NotFoundError('SSO connection', id);
      const [inUse] = await query<{ connection_id: string }>(
        em,
        `select ic.connection_id from instance_connection ic join sso_instance i on i.id = ic.instance_id
         where i.sso_connection_id = ? and ic.status <> 'deleted' limit 1`,
        [id],
      );
      if (inUse) {
        throw new DomainError(
          'SSO_CONNECTION_IN_USE',
          `an instance of SSO connection ${id} holds connection ${inUse.connection_id}`,
          {
            connectionId: inUse.connection_id,
          },
        );
      }
      connection.deletedAt = new Date();
      await em.flush();
      await addToOutbox(em, [ssoConnectionRemoved(connection)]);
    });
  }
}
