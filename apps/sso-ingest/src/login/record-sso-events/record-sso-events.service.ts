import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { instanceIdOf, type SsoEvent } from '@org/contracts';
import type { Rejection } from '@org/kafka';
import { recordAssignmentPages } from '../../assignment/apply-assignment-lists';
import { DeriveEstimatesService } from '../../estimate/derive-estimates.service';
import { recordLogins } from '../record-logins';
import { query, tableOf } from '@org/database';
import { SsoInstance } from '../../instance/sso-instance.entity';
import { SsoConnection } from '../../sso-connection/sso-connection.entity';
import { TenantSettings } from '../../tenant/tenant-settings.entity';

/**
 * Applies a batch of `sso.events.v1` in bulk: refuses events for unknown or foreign SSO
 * connections, stores logins and assignment pages with one statement each, and upserts
 * the instances they reveal, publishing those whose state changed.
 */
@Injectable()
export class RecordSsoEventsService {
  constructor(private readonly estimates: DeriveEstimatesService) {}

  async record(em: EntityManager, events: SsoEvent[]): Promise<Rejection[]> {
    const known = await this.knownConnections(em, events);
    const rejections: Rejection[] = [];
    const accepted = events.filter((e) => {
      const owner = known.get(e.data.ssoConnectionId);
      if (owner === undefined) {
        rejections.push({
          eventId: e.id,
          code: 'UNKNOWN_SSO_CONNECTION',
          reason: `SSO connection ${e.data.ssoConnectionId} does not exist`,
        });
        return false;
      }
      if (owner !== e.tenantId) {
        rejections.push({
          eventId: e.id,
          code: 'TENANT_MISMATCH',
          reason: `SSO connection ${e.data.ssoConnectionId} is not of tenant ${e.tenantId}`,
        });
        return false;
      }
      return true;
    });
    if (!accepted.length) return rejections;

    // The instances first: every later statement joins them (tenant, lists).
    await this.upsertInstances(em, accepted);
    const changed = await recordLogins(
      em,
      accepted.filter((e) => e.type === 'sso.login'),
    );
    await this.estimates.storeLoginEstimates(em, changed);
    await recordAssignmentPages(
      em,
      accepted.filter((e) => e.type === 'sso.assignments'),
      this.estimates,
    );
    return rejections;
  }

  private async knownConnections(em: EntityManager, events: SsoEvent[]): Promise<Map<string, string>> {
    const ids = [...new Set(events.map((e) => e.data.ssoConnectionId))];
    const rows = await em.find(SsoConnection, { id: ids, deletedAt: null });
    return new Map(rows.map((r) => [r.id, r.tenantId]));
  }

  /**
   * Folds the batch into one new state per instance and upserts them in one statement. An
   * instance whose state really changed gets a new version: the publisher sends it on
   * sso.instances.v1 (compacted, so only the latest state matters).
   */
  private async upsertInstances(em: EntityManager, events: SsoEvent[]) {
    const next = new Map<string, InstanceState>();
    for (const e of events) {
      const id = instanceIdOf(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId);
      const state = next.get(id) ?? {
        id,
        tenantId: e.tenantId,
        ssoConnectionId: e.data.ssoConnectionId,
        ssoAppId: e.data.ssoAppId,
        appKey: e.data.appKey,
        appName: e.data.appName,
        hasNonSocialLogins: false,
        lastLoginAt: null,
        firstLoginAt: null,
      };
      if (e.type === 'sso.login') {
        // R2: social logins never count as login data.
        if (e.data.method !== 'social') state.hasNonSocialLogins = true;
        if (!state.lastLoginAt || Date.parse(e.data.at) > Date.parse(state.lastLoginAt)) {
          state.lastLoginAt = new Date(e.data.at).toISOString();
        }
        if (!state.firstLoginAt || Date.parse(e.data.at) < Date.parse(state.firstLoginAt)) {
          state.firstLoginAt = new Date(e.data.at).toISOString();
        }
      }
      next.set(id, state);
    }
    const states = [...next.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const instances = tableOf(em, SsoInstance);
    const settings = tableOf(em, TenantSettings);
    const stored = (property: keyof SsoInstance & string) => `${instances.name}.${instances.column(property)}`;
    const incoming = (property: keyof SsoInstance & string) => `excluded.${instances.column(property)}`;
    // How a stored state and an incoming one merge: names follow the latest, logins accumulate.
    const merged = {
      appKey: incoming('appKey'),
      appName: incoming('appName'),
      hasNonSocialLogins: `${stored('hasNonSocialLogins')} or ${incoming('hasNonSocialLogins')}`,
      lastLoginAt: `greatest(${stored('lastLoginAt')}, ${incoming('lastLoginAt')})`,
      firstLoginAt: `least(${stored('firstLoginAt')}, ${incoming('firstLoginAt')})`,
    };
    const properties = Object.keys(merged) as Array<keyof typeof merged>;
    // Raw: a bulk `unnest` upsert that merges each state into the stored one (npm run bench -- ingest).
    await query(
      em,
      `insert into ${instances.name} (${instances.columns([...STATE, 'derivedTimeZone', 'derivedWindowDays'])})
       select s.*, coalesce(t.${settings.column('timeZone')}, 'UTC'), coalesce(t.${settings.column('estimateWindowDays')}, 120)
       from unnest(${instances.arrayParameters(STATE)}) as s(${instances.columns(STATE)})
       left join ${settings.name} t on t.${settings.column('tenantId')} = s.${instances.column('tenantId')}
       on conflict (${instances.column('id')}) do update set
         ${properties.map((p) => `${instances.column(p)} = ${merged[p]}`).join(', ')},
         ${instances.column('version')} = ${stored('version')} + 1
       where (${properties.map(stored).join(', ')})
         is distinct from (${properties.map((p) => merged[p]).join(', ')})`,
      // Instants stay ISO text, as the events carry them.
      STATE.map((property) => states.map((s) => s[property])),
    );
  }
}

const STATE = [
  'id',
  'tenantId',
  'ssoConnectionId',
  'ssoAppId',
  'appKey',
  'appName',
  'hasNonSocialLogins',
  'lastLoginAt',
  'firstLoginAt',
] as const;

interface InstanceState {
  id: string;
  tenantId: string;
  ssoConnectionId: string;
  ssoAppId: string;
  appKey: string;
  appName: string;
  hasNonSocialLogins: boolean;
  lastLoginAt: string | null;
  firstLoginAt: string | null;
}
