import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { instanceIdOf, type SsoEvent } from '@org/contracts';
import type { Rejection } from '@org/kafka';
import { addToOutbox } from '@org/kafka';
import { instanceChanged, type InstanceState } from '../../instance/instance.events';
import { query } from '@org/database';

interface KnownConnection {
  id: string;
  tenant_id: string;
}

/**
 * Applies a batch of `sso.events.v1` in bulk: refuses events for unknown or foreign SSO
 * connections, stores logins and assignment pages with one statement each, and upserts
 * the instances they reveal, publishing those whose state changed.
 */
@Injectable()
export class RecordSsoEventsService {
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

    const logins = accepted.filter((e) => e.type === 'sso.login');
    const pages = accepted.filter((e) => e.type === 'sso.assignments');
    await this.storeLogins(em, logins);
    await this.storeAssignmentPages(em, pages);
    await this.upsertInstances(em, accepted);
    return rejections;
  }

  private async knownConnections(em: EntityManager, events: SsoEvent[]): Promise<Map<string, string>> {
    const ids = [...new Set(events.map((e) => e.data.ssoConnectionId))];
    const rows = await query<KnownConnection>(
      em,
      `select id, tenant_id from sso_connection where id = any(?::uuid[]) and deleted_at is null`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.tenant_id]));
  }

  private async storeLogins(em: EntityManager, logins: Array<Extract<SsoEvent, { type: 'sso.login' }>>) {
    if (!logins.length) return;
    await query(
      em,
      `insert into login (event_id, tenant_id, instance_id, user_id, email, method, at)
       select * from unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
       on conflict do nothing`,
      [
        logins.map((e) => e.id),
        logins.map((e) => e.tenantId),
        logins.map((e) => instanceIdOf(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId)),
        logins.map((e) => e.data.userId),
        logins.map((e) => e.data.email),
        logins.map((e) => e.data.method),
        logins.map((e) => e.data.at),
      ],
    );
  }

  private async storeAssignmentPages(em: EntityManager, pages: Array<Extract<SsoEvent, { type: 'sso.assignments' }>>) {
    if (!pages.length) return;
    await query(
      em,
      `insert into assignment_page (instance_id, sync_id, page, tenant_id, page_count, as_of, users)
       select * from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::int[], ?::timestamptz[], ?::jsonb[])
       on conflict do nothing`,
      [
        pages.map((e) => instanceIdOf(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId)),
        pages.map((e) => e.data.syncId),
        pages.map((e) => e.data.page),
        pages.map((e) => e.tenantId),
        pages.map((e) => e.data.pageCount),
        pages.map((e) => e.data.asOf),
        pages.map((e) => JSON.stringify(e.data.users)),
      ],
    );
  }

  /** Folds the batch into one new state per instance; publishes only real changes. */
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
      };
      if (e.type === 'sso.login') {
        // R2: social logins never count as login data.
        if (e.data.method !== 'social') state.hasNonSocialLogins = true;
        if (!state.lastLoginAt || Date.parse(e.data.at) > Date.parse(state.lastLoginAt)) {
          state.lastLoginAt = new Date(e.data.at).toISOString();
        }
      }
      next.set(id, state);
    }
    const states = [...next.values()];
    const rows = await query<InstanceRow & { changed: boolean }>(
      em,
      `with incoming as (
         select * from unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::timestamptz[])
           as t(id, tenant_id, sso_connection_id, sso_app_id, app_key, app_name, has_non_social_logins, last_login_at)
       ), before as (
         select i.* from sso_instance i join incoming using (id) for update of i
       ), upserted as (
         insert into sso_instance (id, tenant_id, sso_connection_id, sso_app_id, app_key, app_name, has_non_social_logins, last_login_at)
         select * from incoming
         on conflict (id) do update set
           app_key = excluded.app_key,
           app_name = excluded.app_name,
           has_non_social_logins = sso_instance.has_non_social_logins or excluded.has_non_social_logins,
           last_login_at = greatest(sso_instance.last_login_at, excluded.last_login_at)
         returning *
       )
       select u.*, (b.id is null
         or b.app_key <> u.app_key or b.app_name <> u.app_name
         or b.has_non_social_logins <> u.has_non_social_logins
         or b.last_login_at is distinct from u.last_login_at) as changed
       from upserted u left join before b using (id)`,
      [
        states.map((s) => s.id),
        states.map((s) => s.tenantId),
        states.map((s) => s.ssoConnectionId),
        states.map((s) => s.ssoAppId),
        states.map((s) => s.appKey),
        states.map((s) => s.appName),
        states.map((s) => s.hasNonSocialLogins),
        states.map((s) => s.lastLoginAt),
      ],
    );
    await addToOutbox(
      em,
      rows.filter((r) => r.changed).map((r) => instanceChanged(fromRow(r))),
    );
  }
}

interface InstanceRow {
  id: string;
  tenant_id: string;
  sso_connection_id: string;
  sso_app_id: string;
  app_key: string;
  app_name: string;
  has_non_social_logins: boolean;
  last_login_at: Date | null;
}

const fromRow = (r: InstanceRow): InstanceState => ({
  id: r.id,
  tenantId: r.tenant_id,
  ssoConnectionId: r.sso_connection_id,
  ssoAppId: r.sso_app_id,
  appKey: r.app_key,
  appName: r.app_name,
  hasNonSocialLogins: r.has_non_social_logins,
  lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
});
