import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query } from '@org/database';
import { DomainError, NotFoundError } from '@org/errors';
import { addToOutbox } from '@org/kafka';
import { randomUUID } from 'node:crypto';
import { refusalOf } from '../../application/check-eligibility/eligibility';
import { eligibilityFactsOf } from '../../application/check-eligibility/eligibility-facts';
import { type ConnectionRecord, connectionEvent, connectionOf } from '../connection-record';
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
        const [instance] = await query<{ app_key: string }>(
          em,
          `select i.app_key from known_instance i
           join known_sso_connection s on s.id = i.sso_connection_id and not s.removed
           where i.id = ? and i.tenant_id = ?`,
          [input.instanceId, tenantId],
        );
        // SPEC §3 order: no SSO connection at all comes before an unknown instance.
        const facts = await eligibilityFactsOf(em, tenantId, instance?.app_key ?? '');
        if (!facts.hasSsoConnection) throw new DomainError('NO_SSO_CONNECTION', refusalMessages.NO_SSO_CONNECTION);
        if (!instance) throw new NotFoundError('instance', input.instanceId);
        const refusal = refusalOf(facts, input.instanceId);
        if (refusal) throw new DomainError(refusal, refusalMessages[refusal] ?? refusal);
        const at = await effectiveAtOf(em, input.instanceId, input.effectiveAt);
        const id = randomUUID();
        await query(
          em,
          `insert into connection (id, tenant_id, instance_id, app_key, kind, vendor, supports_license_tiers, status, created_at, changed_at)
           values (?, ?, ?, ?, ?, ?, ?, 'connected', now(), ?)`,
          [
            id,
            tenantId,
            input.instanceId,
            instance.app_key,
            input.kind,
            input.vendor,
            input.supportsLicenseTiers,
            at.toISOString(),
          ],
        );
        await query(em, 'insert into connection_period (connection_id, instance_id, "from") values (?, ?, ?)', [
          id,
          input.instanceId,
          at.toISOString(),
        ]);
        const connection = await connectionOf(em, tenantId, id);
        await addToOutbox(em, [connectionEvent('connection.connected', connection)]);
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
