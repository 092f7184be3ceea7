import { z } from 'zod';
import { daySchema, emailSchema, eventSchema, idSchema, isoTimeSchema, uuidSchema } from '../envelope';

export const loginMethodSchema = z.enum(['sso', 'social']);
export type LoginMethod = z.infer<typeof loginMethodSchema>;

const instanceRef = {
  ssoConnectionId: uuidSchema,
  ssoAppId: idSchema,
  // A path segment of /v1/applications/:appKey/eligibility; taken as sent (case counts).
  appKey: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (1 to 64)'),
  appName: z.string().min(1).max(200),
};

const ssoUser = { userId: idSchema, email: emailSchema };

// --- sso.events.v1: from SSO platform connectors (outside producers) ---

export const ssoLoginSchema = eventSchema(
  'sso.login',
  z.object({ ...instanceRef, ...ssoUser, method: loginMethodSchema, at: isoTimeSchema }),
);
export type SsoLoginEvent = z.infer<typeof ssoLoginSchema>;

export const ssoAssignmentsSchema = eventSchema(
  'sso.assignments',
  z
    .object({
      ...instanceRef,
      asOf: isoTimeSchema,
      syncId: idSchema,
      page: z.int().min(1),
      pageCount: z.int().min(1).max(100_000),
      users: z.array(z.object(ssoUser)).max(10_000),
    })
    .refine((d) => d.page <= d.pageCount, { message: 'page must not exceed pageCount', path: ['page'] }),
);
export type SsoAssignmentsEvent = z.infer<typeof ssoAssignmentsSchema>;

export const ssoEventSchema = z.discriminatedUnion('type', [ssoLoginSchema, ssoAssignmentsSchema]);
export type SsoEvent = z.infer<typeof ssoEventSchema>;

// --- sso.instances.v1: what sso-ingest knows of SSO connections and instances (compacted) ---

export const ssoConnectionCreatedSchema = eventSchema(
  'sso.connection.created',
  z.object({ ssoConnectionId: uuidSchema, platform: z.string(), name: z.string(), createdAt: isoTimeSchema }),
);
export const ssoConnectionRemovedSchema = eventSchema(
  'sso.connection.removed',
  z.object({ ssoConnectionId: uuidSchema }),
);
export const ssoInstanceChangedSchema = eventSchema(
  'sso.instance.changed',
  z.object({
    instanceId: uuidSchema,
    ...instanceRef,
    hasNonSocialLogins: z.boolean(),
    lastLoginAt: isoTimeSchema.nullable(),
    /**
     * The first login of any kind (R14: `activeUsers` is null before it). Absent in messages
     * published before it existed (the topic is compacted); sso-ingest always sends it.
     */
    firstLoginAt: isoTimeSchema.nullable().optional(),
    /** When its earliest complete assignment list was taken (R18's `orphaned`); absent like `firstLoginAt`. */
    firstAssignmentListAt: isoTimeSchema.nullable().optional(),
  }),
);
export type SsoInstanceChangedEvent = z.infer<typeof ssoInstanceChangedSchema>;

export const ssoInstancesEventSchema = z.discriminatedUnion('type', [
  ssoConnectionCreatedSchema,
  ssoConnectionRemovedSchema,
  ssoInstanceChangedSchema,
]);
export type SsoInstancesEvent = z.infer<typeof ssoInstancesEventSchema>;

// --- sso.estimates.v1, sso.activity.v1 and sso.user-activity.v1 (compacted) ---

export const dayIntervalSchema = z.object({ from: daySchema, to: daySchema.nullable() });
export type DayInterval = z.infer<typeof dayIntervalSchema>;

export const ssoEstimateSchema = eventSchema(
  'sso.estimate',
  z.object({
    instanceId: uuidSchema,
    userId: idSchema,
    email: emailSchema,
    /** Days the user is in the estimate; replaces every earlier interval of this pair. */
    intervals: z.array(dayIntervalSchema),
  }),
);
export type SsoEstimateEvent = z.infer<typeof ssoEstimateSchema>;

export const ssoActivitySchema = eventSchema(
  'sso.activity',
  z.object({ instanceId: uuidSchema, day: daySchema, activeUsers: z.int().min(0) }),
);
export type SsoActivityEvent = z.infer<typeof ssoActivitySchema>;

export const ssoUserActivitySchema = eventSchema(
  'sso.user-activity',
  z.object({
    instanceId: uuidSchema,
    userId: idSchema,
    /** The e-mail of that login: R17 matches it, case-insensitive, with connector users. */
    email: emailSchema,
    /** The latest non-social login of this user on this instance (R17); replaces earlier ones. */
    lastLoginAt: isoTimeSchema,
  }),
);
export type SsoUserActivityEvent = z.infer<typeof ssoUserActivitySchema>;

/**
 * Which of two logins is a user's latest (R17): the later instant, then the greater e-mail (by
 * UTF-16 code unit, `collate "C"` in SQL) on a tie, so every consumer keeps the same one
 * whatever order the logins arrive in (R20).
 */
export const isLaterLogin = (at: number, email: string, thanAt: number, thanEmail: string): boolean =>
  at > thanAt || (at === thanAt && email > thanEmail);
