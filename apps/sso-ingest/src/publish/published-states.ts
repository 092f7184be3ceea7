import { activityKey, estimateKey, newEvent, ssoEventKey, TOPICS, type Topic } from '@org/contracts';
import { dayRangesOf, dayToIso } from '@org/days';

/** A table whose rows are their own outbox entries: `version` > `published_version` means unsent. */
export interface PublishedState {
  table: string;
  topic: Topic;
  message(row: Record<string, unknown>): { key: string; value: object };
}

const iso = (t: unknown) => (t ? new Date(t as string).toISOString() : null);

export const PUBLISHED_STATES: PublishedState[] = [
  {
    table: 'sso_instance',
    topic: TOPICS.ssoInstances,
    message: (r) => ({
      key: ssoEventKey(r.tenant_id as string, r.sso_connection_id as string, r.sso_app_id as string),
      value: newEvent('sso.instance.changed', r.tenant_id as string, {
        instanceId: r.id,
        ssoConnectionId: r.sso_connection_id,
        ssoAppId: r.sso_app_id,
        appKey: r.app_key,
        appName: r.app_name,
        hasNonSocialLogins: r.has_non_social_logins,
        lastLoginAt: iso(r.last_login_at),
        firstLoginAt: iso(r.first_login_at),
      }),
    }),
  },
  {
    table: 'estimate',
    topic: TOPICS.ssoEstimates,
    message: (r) => ({
      key: estimateKey(r.tenant_id as string, r.instance_id as string, r.user_id as string),
      value: newEvent('sso.estimate', r.tenant_id as string, {
        instanceId: r.instance_id,
        userId: r.user_id,
        email: r.email,
        intervals: dayRangesOf(r.ranges as string).map((x) => ({
          from: dayToIso(x.from),
          to: x.to === null ? null : dayToIso(x.to),
        })),
      }),
    }),
  },
  {
    table: 'activity',
    topic: TOPICS.ssoActivity,
    message: (r) => ({
      key: activityKey(r.tenant_id as string, r.instance_id as string, dayToIso(r.day as number)),
      value: newEvent('sso.activity', r.tenant_id as string, {
        instanceId: r.instance_id,
        day: dayToIso(r.day as number),
        activeUsers: r.active_users,
      }),
    }),
  },
];
