import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@org/errors';
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
      connection.deletedAt = new Date();
      await em.flush();
      await addToOutbox(em, [ssoConnectionRemoved(connection)]);
    });
  }
}
