import { EntityManager, sql } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { auditEntry } from '@org/service';
import { randomUUID } from 'node:crypto';
import { refusalOf } from '../../application/check-eligibility/eligibility';
import { eligibilityFactsOf } from '../../application/check-eligibility/eligibility-facts';
import { KnownInstance } from '../../sso-instance/known-instance.entity';
import { KnownSsoConnection } from '../../sso-instance/known-sso-connection.entity';
import { ConnectionPeriod } from '../connection-period.entity';
import { type ConnectionRecord, connectionChange, connectionEvent, connectionOf } from '../connection-record';
import { Connection } from '../connection.entity';
import { constraintRefusal, effectiveAtOf } from '../effective-at';
import type { ConnectConnectionRequest } from '@org/contracts';

@Injectable()
export class ConnectConnectionService {
  constructor(private readonly em: EntityManager) {}

  /**
   * R3–R6. The refusal codes are checked in the order of SPEC §3 for a clear answer; the
   * database has the last word (one live connection per instance, no overlapping periods),
   * so of two concurrent connects exactly one commits.
   */
  async connect(tenantId: string, input: ConnectConnectionRequest): Promise<ConnectionRecord> {
    try {
      return await this.em.transactional(async (em) => {
        const known = await em.findOne(KnownInstance, { id: input.instanceId, tenantId });
        // An instance of a removed SSO connection is as unknown as a wrong id.
        const instance =
          known && (await em.count(KnownSsoConnection, { id: known.ssoConnectionId, removed: false })) ? known : null;
        // SPEC §3 order: no SSO connection at all comes before an unknown instance.
        const facts = await eligibilityFactsOf(em, tenantId, instance?.appKey ?? '');
        if (!facts.hasSsoConnection) throw new DomainError('NO_SSO_CONNECTION', refusalMessages.NO_SSO_CONNECTION);
        if (!instance) throw new NotFoundError('instance', input.instanceId);
        const refusal = refusalOf(facts, input.instanceId);
        if (refusal) throw new DomainError(refusal, refusalMessages[refusal] ?? refusal);
        const at = await effectiveAtOf(em, input.instanceId, input.effectiveAt);
        // One statement each, in this order: of two concurrent connects, the loser fails on the
        // connection's unique index (INSTANCE_ALREADY_CONNECTED) before its period could overlap.
        const id = await em.insert(Connection, {
          id: randomUUID(),
          tenantId,
          instanceId: input.instanceId,
          appKey: instance.appKey,
          kind: input.kind,
          vendor: input.vendor,
          supportsLicenseTiers: input.supportsLicenseTiers,
          status: 'connected',
          createdAt: sql.now(),
          changedAt: at,
        });
        await em.insert(ConnectionPeriod, { connectionId: id, instanceId: input.instanceId, from: at });
        const connection = await connectionOf(em, tenantId, id);
        await addToOutbox(em, [
          connectionEvent('connection.connected', connection),
          auditEntry(connectionChange('connection.connected', connection)),
        ]);
        return connection;
      });
    } catch (error) {
      throw constraintRefusal(error) ?? error;
    }
  }
}

const refusalMessages: Record<string, string> = {
  NO_SSO_CONNECTION: 'the tenant has no SSO connection',
  NO_SSO_LOGIN_DATA: 'the application has no non-social login data from any SSO connection',
  ALL_INSTANCES_CONNECTED: 'every SSO instance of the application already has a connection',
  INSTANCE_ALREADY_CONNECTED: 'the instance already has a connection',
};
