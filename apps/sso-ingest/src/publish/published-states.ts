import type { EntityClass } from '@mikro-orm/core';
import { activityKey, estimateKey, newEvent, ssoEventKey, TOPICS, type Topic, userActivityKey } from '@org/contracts';
import { dayRangesOf, dayToIso } from '@org/days';
import { Activity } from '../estimate/activity.entity';
import { Estimate } from '../estimate/estimate.entity';
import { SsoInstance } from '../instance/sso-instance.entity';
import { LoginHistory } from '../login/login-history.entity';

interface Versioned {
  version: number;
  publishedVersion: number;
}

/** An entity whose rows are their own outbox entries: `version` > `publishedVersion` means unsent. */
export interface PublishedState<T extends Versioned = Versioned> {
  entity: EntityClass<T>;
  topic: Topic;
  message(row: T): { key: string; value: object };
}

const published = <T extends Versioned>(state: PublishedState<T>) => state as unknown as PublishedState;

export const PUBLISHED_STATES: PublishedState[] = [
  published({
    entity: SsoInstance,
    topic: TOPICS.ssoInstances,
    message: (r) => ({
      key: ssoEventKey(r.tenantId, r.ssoConnectionId, r.ssoAppId),
      value: newEvent('sso.instance.changed', r.tenantId, {
        instanceId: r.id,
        ssoConnectionId: r.ssoConnectionId,
        ssoAppId: r.ssoAppId,
        appKey: r.appKey,
        appName: r.appName,
        hasNonSocialLogins: r.hasNonSocialLogins,
        lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
        firstLoginAt: r.firstLoginAt?.toISOString() ?? null,
        firstAssignmentListAt: r.firstAssignmentListAt?.toISOString() ?? null,
      }),
    }),
  }),
  published({
    entity: Estimate,
    topic: TOPICS.ssoEstimates,
    message: (r) => ({
      key: estimateKey(r.tenantId, r.instanceId, r.userId),
      value: newEvent('sso.estimate', r.tenantId, {
        instanceId: r.instanceId,
        userId: r.userId,
        email: r.email,
        intervals: dayRangesOf(r.ranges).map((x) => ({
          from: dayToIso(x.from),
          to: x.to === null ? null : dayToIso(x.to),
        })),
      }),
    }),
  }),
  published({
    entity: Activity,
    topic: TOPICS.ssoActivity,
    message: (r) => ({
      key: activityKey(r.tenantId, r.instanceId, dayToIso(r.day)),
      value: newEvent('sso.activity', r.tenantId, {
        instanceId: r.instanceId,
        day: dayToIso(r.day),
        activeUsers: r.activeUsers,
      }),
    }),
  }),
  published({
    entity: LoginHistory,
    topic: TOPICS.ssoUserActivity,
    message: (r) => ({
      key: userActivityKey(r.tenantId, r.instanceId, r.userId),
      value: newEvent('sso.user-activity', r.tenantId, {
        instanceId: r.instanceId,
        userId: r.userId,
        email: r.email,
        lastLoginAt: r.lastLoginAt.toISOString(),
      }),
    }),
  }),
];
