// Okta's Management API as its documentation describes it, for the SDK to talk to:
// - System Log `GET /api/v1/logs` (since, after, filter, sortOrder=ASCENDING, limit), events
//   `user.authentication.sso` with `uuid`, `published`, `actor`, `target[]`, `outcome`; paged by
//   `Link: <…>; rel="next"`, which a polling query always has (an empty page at the end).
// - `GET /api/v1/apps/{appId}/users`, paged by `Link: rel="next"` with an `after` cursor.
// - Errors: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`; 401 E0000011 for a bad
//   or revoked token; 429 E0000047 with `X-Rate-Limit-Limit/Remaining/Reset` (epoch seconds).
import { randomUUID } from 'node:crypto';
import { type Answer, platformServer, type PlatformServer, type Recorded } from './platform-server';

export interface OktaLogin {
  userId: string;
  email: string;
  appId: string;
  appName: string;
  published: string;
}

export interface FakeOkta extends PlatformServer {
  token: string;
  logins: OktaLogin[];
  appUsers: Map<string, Array<{ id: string; email: string }>>;
  /** The next log request answers 429, resetting at this instant. */
  rateLimitUntil(reset: Date): void;
  revokeToken(): void;
  /** Held before answering a log page (to crash the service at a chosen point). */
  beforeLogPage?: (after: string | null) => Promise<void>;
}

const error = (status: number, errorCode: string, errorSummary: string, headers?: Record<string, string>): Answer => ({
  status,
  headers,
  body: { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomUUID().slice(0, 20)}`, errorCauses: [] },
});

export async function fakeOkta(options: { token: string; pageSize: number }): Promise<FakeOkta> {
  let revoked = false;
  let limitedUntil: Date | null = null;
  const state = { logins: [] as OktaLogin[], appUsers: new Map<string, Array<{ id: string; email: string }>>() };
  const events = () =>
    [...state.logins]
      .sort((a, b) => a.published.localeCompare(b.published))
      .map((l, i) => ({ ...l, cursor: String(i + 1).padStart(8, '0') }));
  const link = (base: string, path: string, query: URLSearchParams, after: string) => {
    const next = new URLSearchParams(query);
    next.delete('since');
    next.set('after', after);
    return `<${base}${path}?${query}>; rel="self", <${base}${path}?${next}>; rel="next"`;
  };

  const server = await platformServer(async (req: Recorded, base) => {
    if (req.headers.authorization !== `SSWS ${options.token}` || revoked)
      return error(401, 'E0000011', 'Invalid token provided');
    if (req.path === '/api/v1/logs') {
      if (limitedUntil) {
        const reset = Math.ceil(limitedUntil.getTime() / 1000);
        limitedUntil = null;
        return error(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', {
          'x-rate-limit-limit': '120',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(reset),
        });
      }
      if (req.query.get('sortOrder') !== 'ASCENDING' || !req.query.get('filter')?.includes('user.authentication.sso'))
        return error(400, 'E0000031', 'Invalid search criteria.');
      const after = req.query.get('after');
      await fake.beforeLogPage?.(after);
      const since = req.query.get('since');
      const limit = Math.min(Number(req.query.get('limit') ?? 100), options.pageSize);
      const all = events().filter((e) => (after ? e.cursor > after : !since || e.published >= since));
      const page = all.slice(0, limit);
      const last = page.at(-1)?.cursor ?? after ?? '00000000';
      return {
        status: 200,
        headers: { link: link(base, req.path, req.query, last), 'x-rate-limit-remaining': '100' },
        body: page.map((e) => ({
          uuid: `evt-${e.cursor}-${e.userId}`,
          published: e.published,
          eventType: 'user.authentication.sso',
          version: '0',
          severity: 'INFO',
          displayMessage: 'User single sign on to app',
          actor: { id: e.userId, type: 'User', alternateId: e.email, displayName: e.email.split('@')[0] },
          outcome: { result: 'SUCCESS', reason: null },
          target: [
            { id: e.appId, type: 'AppInstance', alternateId: e.appName, displayName: e.appName, detailEntry: null },
            { id: `0ua${e.userId}`, type: 'AppUser', alternateId: e.email, displayName: e.email, detailEntry: null },
          ],
        })),
      };
    }
    const appUsers = /^\/api\/v1\/apps\/([^/]+)\/users$/.exec(req.path);
    if (appUsers) {
      const users = state.appUsers.get(appUsers[1]);
      if (!users) return error(404, 'E0000007', `Not found: Resource not found: ${appUsers[1]} (AppInstance)`);
      const after = Number(req.query.get('after') ?? 0);
      const limit = Math.min(Number(req.query.get('limit') ?? 50), options.pageSize);
      const page = users.slice(after, after + limit);
      const more = after + limit < users.length;
      const next = new URLSearchParams(req.query);
      next.set('after', String(after + limit));
      return {
        status: 200,
        headers: more ? { link: `<${base}${req.path}?${next}>; rel="next"` } : {},
        body: page.map((u) => ({
          id: u.id,
          scope: 'USER',
          status: 'ACTIVE',
          credentials: { userName: u.email },
          profile: { email: u.email },
          _links: {},
        })),
      };
    }
    return error(404, 'E0000022', 'The endpoint does not support the provided HTTP method');
  });
  const fake: FakeOkta = {
    ...server,
    token: options.token,
    logins: state.logins,
    appUsers: state.appUsers,
    rateLimitUntil: (reset) => {
      limitedUntil = reset;
    },
    revokeToken: () => {
      revoked = true;
    },
  };
  return fake;
}
