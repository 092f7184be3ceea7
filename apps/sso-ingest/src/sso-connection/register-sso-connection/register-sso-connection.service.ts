import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { randomUUID } from 'node:crypto';
import { SsoConnection } from '../sso-connection.entity';
import { ssoConnectionCreated } from '../sso-connection.events';
import type { RegisterSsoConnectionRequest } from '@org/contracts';

@Injectable()
export class RegisterSsoConnectionService {
  constructor(private readonly em: EntityManager) {}

  async register(tenantId: string, input: RegisterSsoConnectionRequest): Promise<SsoConnection> {
    return this.em.transactional(async (em) => {
      const connection = em.create(SsoConnection, {
        id: randomUUID(),
        tenantId,
        platform: input.platform,
        name: input.name,
        createdAt: new Date(),
        deletedAt: null,
      });
      await em.flush();
      // The registry learns of SSO connections only from this event (R4).
      await addToOutbox(em, [
        ssoConnectionCreated(connection),
        auditEntry({
          tenantId,
          action: 'sso-connection.registered',
          target: { type: 'sso-connection', id: connection.id },
          details: { platform: connection.platform, name: connection.name },
        }),
      ]);
      return connection;
    });
  }
}
