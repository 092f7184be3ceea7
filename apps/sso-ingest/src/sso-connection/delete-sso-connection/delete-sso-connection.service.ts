import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { InstanceConnection } from '../../instance/instance-connection.entity';
import { SsoInstance } from '../../instance/sso-instance.entity';
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
      const inUse = await em.findOne(InstanceConnection, {
        instanceId: { $in: em.createQueryBuilder(SsoInstance).select('id').where({ ssoConnectionId: id }) },
        status: { $ne: 'deleted' },
      });
      if (inUse) {
        throw new DomainError(
          'SSO_CONNECTION_IN_USE',
          `an instance of SSO connection ${id} holds connection ${inUse.connectionId}`,
          {
            connectionId: inUse.connectionId,
          },
        );
      }
      connection.deletedAt = new Date();
      await em.flush();
      await addToOutbox(em, [
        ssoConnectionRemoved(connection),
        auditEntry({
          tenantId,
          action: 'sso-connection.deleted',
          target: { type: 'sso-connection', id },
          details: { platform: connection.platform, name: connection.name },
        }),
      ]);
    });
  }
}
