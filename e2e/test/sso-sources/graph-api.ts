// Microsoft Entra ID as its documentation describes it, for the Graph SDK to talk to:
// - `POST /{tenant}/oauth2/v2.0/token` (client credentials); a bad secret answers 401
//   `invalid_client` (AADSTS7000215).
// - `GET /v1.0/auditLogs/signIns?$filter=createdDateTime ge … and createdDateTime lt …&$top=`,
//   newest first, paged by `@odata.nextLink` (a `$skiptoken`); `status.errorCode` 0 on success.
// - `GET /v1.0/servicePrincipals?$filter=appId eq '…'`, `GET …/servicePrincipals/{id}/appRoleAssignedTo`
//   (principalId, principalType; no e-mail), `POST /v1.0/directoryObjects/getByIds`,
//   `GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user`.
// - Errors `{error: {code, message, innerError: {date, request-id, client-request-id}}}`: 401
//   InvalidAuthenticationToken, 429 TooManyRequests with `Retry-After` (seconds).
import { randomUUID } from 'node:crypto';
import { type Answer, platformServer, type PlatformServer } from './platform-server';

export interface EntraSignIn {
  userId: string;
  email: string;
  appId: string;
  appName: string;
  createdDateTime: string;
  errorCode?: number;
}

export interface FakeEntra extends PlatformServer {
  clientId: string;
  clientSecret: string;
  signIns: EntraSignIn[];
  /** appId → the users and groups assigned to its service principal. */
  assignments: Map<string, Array<{ id: string; type: 'User' | 'Group' }>>;
  users: Map<string, { mail: string | null; userPrincipalName: string }>;
  groups: Map<string, string[]>;
  rateLimitFor(seconds: number): void;
}

const graphError = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  headers,
  body: {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
    },
  },
});

export async function fakeEntra(options: { directoryId: string; pageSize: number }): Promise<FakeEntra> {
  const tokens = new Set<string>();
  let limitedFor = 0;
  const fake = {
    clientId: randomUUID(),
    clientSecret: `secret~${randomUUID()}`,
    signIns: [] as EntraSignIn[],
    assignments: new Map<string, Array<{ id: string; type: 'User' | 'Group' }>>(),
    users: new Map<string, { mail: string | null; userPrincipalName: string }>(),
    groups: new Map<string, string[]>(),
    rateLimitFor: (seconds: number) => {
      limitedFor = seconds;
    },
  };
  const page = <T>(base: string, path: string, query: URLSearchParams, items: T[]) => {
    const skip = Number(query.get('$skiptoken') ?? 0);
    const top = Math.min(Number(query.get('$top') ?? 100), options.pageSize);
    const next = new URLSearchParams(query);
    next.set('$skiptoken', String(skip + top));
    return {
      status: 200,
      body: {
        '@odata.context': `${base}/v1.0/$metadata`,
        value: items.slice(skip, skip + top),
        ...(skip + top < items.length ? { '@odata.nextLink': `${base}${path}?${next}` } : {}),
      },
    };
  };
  const server = await platformServer((req, base) => {
    if (req.method === 'POST' && req.path === `/${options.directoryId}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(req.body);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('scope') !== 'https://graph.microsoft.com/.default'
      )
        return { status: 400, body: { error: 'invalid_request', error_description: 'AADSTS900144: bad request' } };
      if (form.get('client_id') !== fake.clientId || form.get('client_secret') !== fake.clientSecret)
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: ${randomUUID()}`,
            error_codes: [7000215],
          },
        };
      const token = randomUUID();
      tokens.add(token);
      return {
        status: 200,
        body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token },
      };
    }
    if (!tokens.has(String(req.headers.authorization).replace(/^Bearer /, '')))
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (limitedFor) {
      const seconds = limitedFor;
      limitedFor = 0;
      return graphError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(seconds) });
    }
    if (req.path === '/v1.0/auditLogs/signIns') {
      const m = /^createdDateTime ge (\S+) and createdDateTime lt (\S+)$/.exec(req.query.get('$filter') ?? '');
      if (!m) return graphError(400, 'BadRequest', 'Invalid filter clause');
      const [from, to] = [Date.parse(m[1]), Date.parse(m[2])];
      const items = fake.signIns
        .filter((s) => Date.parse(s.createdDateTime) >= from && Date.parse(s.createdDateTime) < to)
        .sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime))
        .map((s) => ({
          id: `si-${s.createdDateTime}-${s.userId}`,
          createdDateTime: s.createdDateTime,
          userDisplayName: s.email.split('@')[0],
          userPrincipalName: s.email,
          userId: s.userId,
          appId: s.appId,
          appDisplayName: s.appName,
          ipAddress: '203.0.113.7',
          clientAppUsed: 'Browser',
          isInteractive: true,
          status: {
            errorCode: s.errorCode ?? 0,
            failureReason: s.errorCode ? 'Invalid username or password.' : 'Other.',
            additionalDetails: null,
          },
        }));
      return page(base, req.path, req.query, items);
    }
    if (req.path === '/v1.0/servicePrincipals') {
      const appId = /^appId eq '(.+)'$/.exec(req.query.get('$filter') ?? '')?.[1];
      return { status: 200, body: { value: appId && fake.assignments.has(appId) ? [{ id: `sp-${appId}` }] : [] } };
    }
    const assigned = /^\/v1\.0\/servicePrincipals\/sp-([^/]+)\/appRoleAssignedTo$/.exec(req.path);
    if (assigned) {
      const items = (fake.assignments.get(assigned[1]) ?? []).map((p) => ({
        id: randomUUID(),
        appRoleId: '00000000-0000-0000-0000-000000000000',
        principalId: p.id,
        principalType: p.type,
        principalDisplayName: p.id,
        resourceId: `sp-${assigned[1]}`,
      }));
      return page(base, req.path, req.query, items);
    }
    const members = /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(req.path);
    if (members) {
      const items = (fake.groups.get(members[1]) ?? []).map((id) => ({ id, ...fake.users.get(id) }));
      return page(base, req.path, req.query, items);
    }
    if (req.method === 'POST' && req.path === '/v1.0/directoryObjects/getByIds') {
      const { ids } = JSON.parse(req.body) as { ids: string[] };
      return {
        status: 200,
        body: {
          value: ids
            .filter((id) => fake.users.has(id))
            .map((id) => ({ '@odata.type': '#microsoft.graph.user', id, ...fake.users.get(id) })),
        },
      };
    }
    return graphError(404, 'Request_ResourceNotFound', `Resource '${req.path}' does not exist.`);
  });
  return { ...server, ...fake };
}
