import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { AUDIT_ACTIONS, auditTargetSchema } from './events/audit';
import { connectionKindSchema, connectionStatusSchema } from './events/registry';

// The REST API of SPEC §5: the requests the services parse with and the answers they give,
// in one place, so the gateway's OpenAPI document is generated from what the code checks.

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z.string().refine(isTimeZone, 'not an IANA time zone');
export const estimateWindowDaysSchema = z.int().min(1).max(3650);
/** R18: days without activity after which a seat is reclaimable. */
export const inactiveAfterDaysSchema = z.int().min(1).max(3650);
export const tenantNameSchema = z.string().trim().min(1).max(200);
export const effectiveAtSchema = z.iso.datetime({ offset: true }).optional();
const day = z.iso.date();
const time = z.iso.datetime({ offset: true });
const reason = z.enum([
  'NO_SSO_CONNECTION',
  'NO_SSO_LOGIN_DATA',
  'ALL_INSTANCES_CONNECTED',
  'INSTANCE_ALREADY_CONNECTED',
]);

// --- requests ---

export const createTenantRequest = z.strictObject({
  name: tenantNameSchema,
  timeZone: timeZoneSchema.default('UTC'),
  estimateWindowDays: estimateWindowDaysSchema.default(120),
  inactiveAfterDays: inactiveAfterDaysSchema.default(60),
});
export type CreateTenantRequest = z.infer<typeof createTenantRequest>;

export const updateTenantRequest = z.strictObject({
  name: tenantNameSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  estimateWindowDays: estimateWindowDaysSchema.optional(),
  inactiveAfterDays: inactiveAfterDaysSchema.optional(),
});
export type UpdateTenantRequest = z.infer<typeof updateTenantRequest>;

export const registerSsoConnectionRequest = z.strictObject({
  platform: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(200),
});
export type RegisterSsoConnectionRequest = z.infer<typeof registerSsoConnectionRequest>;

export const connectConnectionRequest = z.strictObject({
  instanceId: z.uuid(),
  kind: connectionKindSchema,
  vendor: z.string().trim().min(1).max(200),
  supportsLicenseTiers: z.boolean(),
  effectiveAt: effectiveAtSchema,
});
export type ConnectConnectionRequest = z.infer<typeof connectConnectionRequest>;

/** Disconnect and reconnect (body); delete (query parameter). */
export const connectionChangeRequest = z.strictObject({ effectiveAt: effectiveAtSchema });

/** R19: a monthly price, in the currency's units (12.5 is 12.50); at most 1,000,000 a seat. */
const monthlyPrice = z.number().min(0).max(1_000_000);
const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code, like USD')
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'not an ISO 4217 currency');

export const reclamationSettingsRequest = z.strictObject({
  inactiveAfterDays: inactiveAfterDaysSchema.nullable().default(null),
  exemptEmails: z.array(z.string().trim().min(1).max(320)).max(10_000).default([]),
  currency: currencyCode.default('USD'),
  defaultMonthlyPrice: monthlyPrice.nullable().default(null),
  tierMonthlyPrices: z
    .record(z.string().min(1).max(200), monthlyPrice)
    .refine((prices) => Object.keys(prices).length <= 1000, 'at most 1,000 tiers')
    .default({}),
});
export type ReclamationSettingsRequest = z.infer<typeof reclamationSettingsRequest>;

// SPEC §8: a source attached to an SSO connection. The platform's URLs are settings, so a
// source can point at a region, a sovereign cloud or a test server; the secret is write-only.
export const SSO_SOURCE_PLATFORMS = ['okta', 'entra', 'google'] as const;
export type SsoSourcePlatform = (typeof SSO_SOURCE_PLATFORMS)[number];
const baseUrl = z.url({ protocol: /^https?$/ }).max(500);
const sourceSchedule = {
  /** Logins are pulled this often (seconds). */
  pollIntervalSeconds: z.int().min(10).max(86_400).default(300),
  /** Assignment lists (Okta, Entra) are pulled this often (seconds). */
  assignmentIntervalSeconds: z.int().min(60).max(604_800).default(3_600),
};
const sourceSecret = z.string().min(1).max(20_000);
export const ssoSourceRequest = z.discriminatedUnion('platform', [
  z.strictObject({
    platform: z.literal('okta'),
    // The org's URL (https://acme.okta.com); the secret is an API token (SSWS).
    settings: z.strictObject({ orgUrl: baseUrl, ...sourceSchedule }),
    secret: sourceSecret,
  }),
  z.strictObject({
    platform: z.literal('entra'),
    // An app registration's client id in a directory (tenant id); the secret is its client secret.
    settings: z.strictObject({
      directoryId: z.string().trim().min(1).max(200),
      clientId: z.string().trim().min(1).max(200),
      authorityUrl: baseUrl.default('https://login.microsoftonline.com'),
      graphUrl: baseUrl.default('https://graph.microsoft.com'),
      ...sourceSchedule,
    }),
    secret: sourceSecret,
  }),
  z.strictObject({
    platform: z.literal('google'),
    // A service account with domain-wide delegation acting as an admin; the secret is its private key (PEM).
    settings: z.strictObject({
      serviceAccountEmail: z.email(),
      adminEmail: z.email(),
      tokenUrl: baseUrl.default('https://oauth2.googleapis.com/token'),
      apiUrl: baseUrl.default('https://admin.googleapis.com/'),
      ...sourceSchedule,
    }),
    secret: sourceSecret,
  }),
]);
export type SsoSourceRequest = z.infer<typeof ssoSourceRequest>;

export const RECLAIM_REASONS = ['orphaned', 'never_used', 'inactive'] as const;
export type ReclaimReason = (typeof RECLAIM_REASONS)[number];

export const reclamationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
  reason: z.enum(RECLAIM_REASONS).optional(),
});

/** `GET /v1/connections?instanceId=`: the connections of one instance (every one of the tenant without it). */
export const connectionsQuery = z.strictObject({ instanceId: z.string().min(1).max(128).optional() });

export const viewRangeQuery = z.strictObject({ from: day.optional(), to: day.optional() });
export const dayUsersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
});

// --- answers ---

export const errorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export const tenantCreated = z.object({ tenantId: z.string(), apiKey: z.string() });
export const tenantSettings = z.object({
  tenantId: z.string(),
  name: z.string(),
  timeZone: z.string(),
  estimateWindowDays: z.int(),
  inactiveAfterDays: z.int(),
});
export const ssoConnection = z.object({ id: z.uuid(), platform: z.string(), name: z.string(), createdAt: time });
export const ssoConnections = z.object({ items: z.array(ssoConnection) });
export const applications = z.object({
  items: z.array(
    z.object({
      appKey: z.string(),
      appName: z.string(),
      instances: z.array(
        z.object({
          instanceId: z.uuid(),
          ssoConnectionId: z.uuid(),
          ssoAppId: z.string(),
          hasNonSocialLogins: z.boolean(),
          lastLoginAt: time.nullable(),
          connection: z
            .object({ id: z.uuid(), kind: connectionKindSchema, vendor: z.string(), status: connectionStatusSchema })
            .nullable(),
        }),
      ),
    }),
  ),
});
export const eligibility = z.object({
  appKey: z.string(),
  connectable: z.boolean(),
  reason: reason.nullable(),
  instances: z.array(z.object({ instanceId: z.uuid(), connectable: z.boolean(), reason: reason.nullable() })),
});
export const connection = z.object({
  id: z.uuid(),
  instanceId: z.uuid(),
  appKey: z.string(),
  kind: connectionKindSchema,
  vendor: z.string(),
  supportsLicenseTiers: z.boolean(),
  status: connectionStatusSchema,
  periods: z.array(z.object({ from: time, to: time.nullable() })),
  createdAt: time,
});
export const connections = z.object({ items: z.array(connection) });
export const connectionDeleted = z.object({
  connectionId: z.uuid(),
  status: z.literal('deleted'),
  rebuild: z.object({ instanceId: z.uuid(), status: z.literal('requested') }),
});
const daySummary = z.object({ source: z.enum(['connector', 'sso_estimate']), provisionedUsers: z.int() });
export const deletePreview = z.object({
  connectionId: z.uuid(),
  days: z.array(z.object({ day, before: daySummary, after: daySummary })),
});
export const viewDay = z.object({
  day,
  source: z.enum(['connector', 'sso_estimate']),
  connectionId: z.uuid().nullable(),
  connectionKind: connectionKindSchema.nullable(),
  provisionedUsers: z.int(),
  tiers: z.record(z.string(), z.int()).nullable(),
  activeUsers: z.int().nullable(),
  staleDays: z.int().nullable(),
  awaitingFirstSync: z.boolean(),
});
export const provisioning = z.object({
  instanceId: z.uuid(),
  rebuild: z.object({
    status: z.enum(['idle', 'rebuilding']),
    progress: z.number().min(0).max(1),
    generation: z.int(),
  }),
  days: z.array(viewDay).max(3660),
});
export const dayUsers = z.object({
  day,
  source: z.enum(['connector', 'sso_estimate']),
  items: z.array(z.object({ userId: z.string(), email: z.string(), tier: z.string().nullable() })),
  nextCursor: z.string().nullable(),
});
export const estimateAccuracy = z.object({
  instanceId: z.uuid(),
  days: z.array(
    z.object({
      day,
      precision: z.number(),
      recall: z.number().nullable(),
      onlyInEstimate: z.int(),
      onlyInConnector: z.int(),
    }),
  ),
});

export const reclamationSettings = z.object({
  inactiveAfterDays: z.int().nullable(),
  exemptEmails: z.array(z.string()),
  currency: z.string(),
  defaultMonthlyPrice: z.number().nullable(),
  tierMonthlyPrices: z.record(z.string(), z.number()),
});
/** One reclaimable seat (R18), as the report's items and its CSV rows show it. */
export const reclaimableSeat = z.object({
  userId: z.string(),
  email: z.string(),
  tier: z.string().nullable(),
  reason: z.enum(RECLAIM_REASONS),
  lastActiveAt: time.nullable(),
  provisionedSince: day,
  daysInactive: z.int().nullable(),
});
export const reclamationReport = z.object({
  instanceId: z.uuid(),
  asOf: day,
  source: z.enum(['connector', 'sso_estimate']),
  inactiveAfterDays: z.int(),
  currency: z.string(),
  seats: z.object({
    provisioned: z.int(),
    active: z.int(),
    reclaimable: z.int(),
    byReason: z.object({ orphaned: z.int(), never_used: z.int(), inactive: z.int() }),
  }),
  byTier: z.array(
    z.object({
      tier: z.string().nullable(),
      provisioned: z.int(),
      reclaimable: z.int(),
      monthlyPrice: z.number().nullable(),
      monthlyWaste: z.number(),
    }),
  ),
  monthlyWaste: z.number(),
  unpricedSeats: z.int(),
  items: z.array(reclaimableSeat),
  nextCursor: z.string().nullable(),
});
export const reclamationSummary = z.object({
  totals: z.array(
    z.object({ currency: z.string(), monthlyWaste: z.number(), reclaimable: z.int(), unpricedSeats: z.int() }),
  ),
  items: z.array(
    z.object({
      instanceId: z.uuid(),
      appKey: z.string().nullable(),
      appName: z.string().nullable(),
      provisioned: z.int(),
      reclaimable: z.int(),
      currency: z.string(),
      monthlyWaste: z.number(),
    }),
  ),
});

/** SPEC §5's key scopes: `admin` may change anything of its tenant, `read` gets 403 `FORBIDDEN` on every change. */
export const KEY_SCOPES = ['admin', 'read'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];
export const createKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scope: z.enum(KEY_SCOPES),
});
export type CreateKeyRequest = z.infer<typeof createKeyRequest>;
export const tenantKey = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: z.enum(KEY_SCOPES),
  createdAt: time,
  lastUsedAt: time.nullable(),
  revokedAt: time.nullable(),
});
export const tenantKeys = z.object({ items: z.array(tenantKey) });
/** The key in clear: answered once, when it is made. */
export const keyCreated = z.object({ id: z.uuid(), name: z.string(), scope: z.enum(KEY_SCOPES), apiKey: z.string() });

/** `GET /v1/audit`: newest first, `from` and `to` bounding `at` (both included), paged by an opaque cursor. */
export const auditQuery = z
  .strictObject({
    from: time.optional(),
    to: time.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(500).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });
export type AuditQuery = z.infer<typeof auditQuery>;
export const auditEntry = z.object({
  at: time,
  /** The key that made the change; null for the admin key (tenant creation). */
  keyId: z.uuid().nullable(),
  action: z.enum(AUDIT_ACTIONS),
  target: auditTargetSchema,
  details: z.record(z.string(), z.unknown()),
});
export const auditPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });

export const SSO_SOURCE_STATES = ['polling', 'failing', 'paused'] as const;
/** A source as `GET …/source` shows it: never its secret. */
export const ssoSource = z.object({
  platform: z.enum(SSO_SOURCE_PLATFORMS),
  settings: z.record(z.string(), z.unknown()),
  state: z.enum(SSO_SOURCE_STATES),
  lastPolledAt: time.nullable(),
  lastEventAt: time.nullable(),
  eventsPulled: z.int(),
  lastError: z.string().nullable(),
  /** Not in SPEC §8: when the next poll is due (a rate limit's reset while paused). */
  nextPollAt: time.nullable(),
});

// --- the operations, for the OpenAPI document ---

/** The groups of operations in the OpenAPI document, in its order. */
const TAGS = {
  tenants: 'A tenant and its settings.',
  keys: "The tenant's keys: admin or read, shown once, revocable.",
  audit: 'Every change made through the API, and who made it.',
  'sso-connections': 'SSO platforms the tenant logs in with: where instances come from.',
  'sso-sources': 'Pulling logins and assignment lists from the SSO platforms (SPEC §8).',
  applications: 'Applications, their instances, and which can be connected (R7).',
  connections: 'Connectors attached to instances, and their lifecycle (R3–R6, R10–R12).',
  views: 'Who was provisioned on each day, from which source (R8–R15).',
  reclamation: 'Seats to reclaim, and what they cost (R16–R20).',
} as const;

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** operationId: what a generated client calls it. */
  id: string;
  tag: keyof typeof TAGS;
  description: string;
  summary: string;
  admin?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  answers: Record<number, z.ZodType | null>;
  /** The 409 codes this operation can answer. */
  conflicts?: string[];
  /** Also answers `text/csv` (RFC 4180, a header row) when asked for it with `Accept`. */
  csv?: true;
}

const id = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

export const API_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/tenants',
    id: 'createTenant',
    tag: 'tenants',
    description:
      'Makes a tenant with its settings and answers its first key, of scope admin. Only the admin key (ADMIN_API_KEY) may call it.',
    summary: 'Make a tenant (admin key)',
    admin: true,
    body: createTenantRequest,
    answers: { 201: tenantCreated },
  },
  {
    method: 'get',
    path: '/v1/tenant',
    id: 'getTenant',
    tag: 'tenants',
    description: 'The settings of the tenant whose key calls.',
    summary: 'The tenant of the key',
    answers: { 200: tenantSettings },
  },
  {
    method: 'patch',
    path: '/v1/tenant',
    id: 'updateTenant',
    tag: 'tenants',
    description:
      'Changes the name, time zone, estimate window or inactivity threshold. A new time zone or window derives the SSO estimates again.',
    summary: 'Change its settings (estimates are derived again)',
    body: updateTenantRequest,
    answers: { 200: tenantSettings },
  },
  {
    method: 'get',
    path: '/v1/tenant/keys',
    id: 'listKeys',
    tag: 'keys',
    description:
      "The tenant's keys with their scope and last use; never the keys themselves, which are kept as hashes.",
    summary: "The tenant's keys (never the keys themselves)",
    answers: { 200: tenantKeys },
  },
  {
    method: 'post',
    path: '/v1/tenant/keys',
    id: 'createKey',
    tag: 'keys',
    description:
      'Makes a key of scope admin (may change anything) or read (reads only). The key is in this answer and nowhere else.',
    summary: 'Make a key, `admin` or `read`: the key is answered this once',
    body: createKeyRequest,
    answers: { 201: keyCreated },
  },
  {
    method: 'delete',
    path: '/v1/tenant/keys/{id}',
    id: 'revokeKey',
    tag: 'keys',
    description:
      'Revokes a key: it answers 401 within a second on every gateway. The last admin key cannot be revoked.',
    summary: 'Revoke a key: it answers 401 within a second on every gateway',
    answers: { 204: null },
    conflicts: ['LAST_ADMIN_KEY'],
  },
  {
    method: 'get',
    path: '/v1/audit',
    id: 'listAuditEntries',
    tag: 'audit',
    description:
      'Every change made through the API, newest first: the key that made it, what it changed and the new values. Bounded by time, paged with an opaque cursor.',
    summary: 'Every change made through the API, newest first: who (the key), what, and what changed',
    query: auditQuery,
    answers: { 200: auditPage },
  },
  {
    method: 'post',
    path: '/v1/sso-connections',
    id: 'createSsoConnection',
    tag: 'sso-connections',
    description:
      'Registers an SSO connection (an Okta org, an Entra ID tenant, a Google Workspace); its instances appear with its first logins.',
    summary: 'Register an SSO connection',
    body: registerSsoConnectionRequest,
    answers: { 201: ssoConnection },
  },
  {
    method: 'get',
    path: '/v1/sso-connections',
    id: 'listSsoConnections',
    tag: 'sso-connections',
    description: "The tenant's SSO connections.",
    summary: 'SSO connections',
    answers: { 200: ssoConnections },
  },
  {
    method: 'delete',
    path: '/v1/sso-connections/{id}',
    id: 'deleteSsoConnection',
    tag: 'sso-connections',
    description: 'Removes an SSO connection, unless one of its instances holds a connection that is not deleted.',
    summary: 'Remove an SSO connection',
    answers: { 204: null },
    conflicts: ['SSO_CONNECTION_IN_USE'],
  },
  {
    method: 'put',
    path: '/v1/sso-connections/{id}/source',
    id: 'putSsoSource',
    tag: 'sso-sources',
    description:
      "Attaches a source (Okta, Entra ID or Google Workspace) that pulls the connection's logins and assignment lists, or replaces it. The secret is stored encrypted and never answered.",
    summary: 'Attach or replace the SSO source that pulls its logins and assignments (SPEC §8)',
    body: ssoSourceRequest,
    answers: { 200: ssoSource },
  },
  {
    method: 'get',
    path: '/v1/sso-connections/{id}/source',
    id: 'getSsoSource',
    tag: 'sso-sources',
    description:
      "The source's state (polling, failing or paused), its last poll and event, the logins it pulled, its last error.",
    summary: 'Its source: state, last poll, last event, events pulled, last error',
    answers: { 200: ssoSource },
  },
  {
    method: 'post',
    path: '/v1/sso-connections/{id}/source/sync',
    id: 'syncSsoSource',
    tag: 'sso-sources',
    description: 'Makes the next poll due now, logins and assignment lists alike.',
    summary: 'Poll the source now',
    answers: { 202: ssoSource },
  },
  {
    method: 'delete',
    path: '/v1/sso-connections/{id}/source',
    id: 'deleteSsoSource',
    tag: 'sso-sources',
    description: 'Detaches the source: logins then come only from outside producers.',
    summary: 'Detach the source',
    answers: { 204: null },
  },
  {
    method: 'get',
    path: '/v1/applications',
    id: 'listApplications',
    tag: 'applications',
    description:
      'The applications seen in SSO logins, each with its instances (one per SSO connection and app) and their connection.',
    summary: 'Applications, their instances and connections',
    answers: { 200: applications },
  },
  {
    method: 'get',
    path: '/v1/applications/{appKey}/eligibility',
    id: 'getEligibility',
    tag: 'applications',
    description:
      'Whether each instance of the application can be connected now and, when not, the refusal code a connect would answer (R7).',
    summary: 'Which instances can be connected, and why not (R7)',
    answers: { 200: eligibility },
  },
  {
    method: 'post',
    path: '/v1/connections',
    id: 'createConnection',
    tag: 'connections',
    description:
      'Connects a provisioning or engagement connector to an instance (R3–R6). effectiveAt imports an existing connection with its real history.',
    summary: 'Connect an instance (R3–R6)',
    body: connectConnectionRequest,
    answers: { 201: connection },
    conflicts: [...reason.options, 'EFFECTIVE_AT_INVALID'],
  },
  {
    method: 'get',
    path: '/v1/connections',
    id: 'listConnections',
    tag: 'connections',
    description: "The tenant's connections with their periods, or those of one instance (instanceId).",
    summary: 'Connections, or those of one instance',
    query: connectionsQuery,
    answers: { 200: connections },
  },
  {
    method: 'get',
    path: '/v1/connections/{id}',
    id: 'getConnection',
    tag: 'connections',
    description: 'One connection with its status and connected periods.',
    summary: 'One connection',
    answers: { 200: connection },
  },
  {
    method: 'post',
    path: '/v1/connections/{id}/disconnect',
    id: 'disconnectConnection',
    tag: 'connections',
    description: 'Closes the open period: from its day on, the instance shows the SSO estimate again (R10).',
    summary: 'Disconnect (R10)',
    body: connectionChangeRequest,
    answers: { 200: connection },
    conflicts: ['INVALID_TRANSITION', 'EFFECTIVE_AT_INVALID'],
  },
  {
    method: 'post',
    path: '/v1/connections/{id}/reconnect',
    id: 'reconnectConnection',
    tag: 'connections',
    description: 'Opens a new period (R11).',
    summary: 'Reconnect (R11)',
    body: connectionChangeRequest,
    answers: { 200: connection },
    conflicts: ['INVALID_TRANSITION', 'EFFECTIVE_AT_INVALID'],
  },
  {
    method: 'get',
    path: '/v1/connections/{id}/delete-preview',
    id: 'previewConnectionDelete',
    tag: 'connections',
    description: 'The days whose source or count would change if the connection were deleted; changes nothing.',
    summary: 'What deleting would change, day by day',
    answers: { 200: deletePreview },
  },
  {
    method: 'delete',
    path: '/v1/connections/{id}',
    id: 'deleteConnection',
    tag: 'connections',
    description:
      "Deletes a disconnected connection and its data; the instance's view is rebuilt in the background (R12). Deleting again answers 202 again.",
    summary: 'Delete a disconnected connection and its data (R12)',
    query: connectionChangeRequest,
    answers: { 202: connectionDeleted },
    conflicts: ['CONNECTION_STILL_CONNECTED', 'EFFECTIVE_AT_INVALID'],
  },
  {
    method: 'get',
    path: '/v1/instances/{id}/provisioning',
    id: 'getProvisioning',
    tag: 'views',
    description:
      'One row per day of the range: its source (SSO estimate or connector), the provisioned users, their tiers, the active users, and any rebuild in progress.',
    summary: 'The daily view (R8–R14)',
    query: viewRangeQuery,
    answers: { 200: provisioning },
  },
  {
    method: 'get',
    path: '/v1/instances/{id}/provisioning/{day}/users',
    id: 'listDayUsers',
    tag: 'views',
    description: 'The users counted on one day, paged.',
    summary: 'The users behind one day',
    query: dayUsersQuery,
    answers: { 200: dayUsers },
  },
  {
    method: 'get',
    path: '/v1/instances/{id}/estimate-accuracy',
    id: 'getEstimateAccuracy',
    tag: 'views',
    description:
      'On days with both a connector snapshot and an estimate: precision, recall, and the users only in one of them.',
    summary: 'The estimate against the connector, per day',
    query: viewRangeQuery,
    answers: { 200: estimateAccuracy },
  },
  {
    method: 'get',
    path: '/v1/instances/{id}/reclamation-settings',
    id: 'getReclamationSettings',
    tag: 'reclamation',
    description: 'The inactivity threshold, exempt e-mails, currency and prices of an instance.',
    summary: 'Prices, exemptions and the inactivity threshold of an instance (R18, R19)',
    answers: { 200: reclamationSettings },
  },
  {
    method: 'put',
    path: '/v1/instances/{id}/reclamation-settings',
    id: 'putReclamationSettings',
    tag: 'reclamation',
    description: 'Sets them; they change the report, never a view day.',
    summary: 'Set them (they change no view day)',
    body: reclamationSettingsRequest,
    answers: { 200: reclamationSettings },
  },
  {
    method: 'get',
    path: '/v1/instances/{id}/reclamation',
    id: 'getReclamation',
    tag: 'reclamation',
    description:
      "Today's reclaimable seats of an instance with their reason and monthly waste; with Accept: text/csv, every one of them, streamed.",
    summary: 'Reclaimable seats of today, with reasons and waste (R16–R19); Accept: text/csv streams every one',
    query: reclamationQuery,
    answers: { 200: reclamationReport },
    csv: true,
  },
  {
    method: 'get',
    path: '/v1/reclamation',
    id: 'getReclamationSummary',
    tag: 'reclamation',
    description: "The tenant's waste per currency, and its instances by monthly waste.",
    summary: 'The tenant’s instances by monthly waste',
    answers: { 200: reclamationSummary },
  },
];

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: "The key's burst: the most calls its bucket holds", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Calls left in the bucket now', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the bucket is full again', schema: { type: 'integer' } },
};

export function openApiDocument(version = '1.0.0') {
  const paths: Record<string, Record<string, object>> = {};
  const error = { content: { 'application/json': { schema: jsonSchema(errorBody) } } };
  for (const op of API_OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => id(m[1])),
      ...Object.entries(op.query ? (jsonSchema(op.query).properties as Record<string, object>) : {}).map(
        ([name, schema]) => ({ name, in: 'query', required: false, schema }),
      ),
    ];
    const responses: Record<string, object> = {};
    for (const [status, schema] of Object.entries(op.answers)) {
      const csv = op.csv ? { 'text/csv': { schema: { type: 'string' } } } : {};
      responses[status] = schema
        ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(schema) }, ...csv } }
        : { description: 'Done' };
    }
    responses['400'] = { description: 'VALIDATION_FAILED', ...error };
    responses['401'] = { description: 'UNAUTHENTICATED', ...error };
    if (op.path.includes('{')) responses['404'] = { description: 'NOT_FOUND (another tenant’s id too)', ...error };
    if (op.conflicts) responses['409'] = { description: op.conflicts.join(', '), ...error };
    if (op.method !== 'get' && !op.admin) responses['403'] = { description: 'FORBIDDEN (a read key)', ...error };
    responses['429'] = {
      description: 'RATE_LIMITED: the key is over its request budget',
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
      ...error,
    };
    // SPEC §5: every answer to a keyed call carries the key's budget.
    for (const answer of Object.values(responses) as Array<{ headers?: object }>)
      answer.headers = { ...RATE_LIMIT_HEADERS, ...answer.headers };
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.id,
      tags: [op.tag],
      summary: op.summary,
      description: op.description,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
        : {}),
      responses,
      security: [{ [op.admin ? 'adminKey' : 'tenantKey']: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Provisioning data platform',
      version,
      description:
        'Who was provisioned on each app instance on each day, on which license tier, and whether the answer comes ' +
        'from the SSO platform’s estimate or a connector (SPEC §5). Every error body is ' +
        '{"error": {"code", "message", "details"}}. Every call with a key spends from its request budget.',
      contact: { name: 'Provisioning data platform team', email: 'platform@provisioning.invalid' },
      license: { name: 'Proprietary', url: 'https://provisioning.invalid/license' },
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The gateway as npm start runs it' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        tenantKey: { type: 'http', scheme: 'bearer', description: 'A tenant key: sees only its tenant' },
        adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY: only makes tenants' },
      },
    },
  };
}
