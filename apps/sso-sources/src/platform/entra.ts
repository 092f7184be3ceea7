import { Client, HTTPMessageHandler, type Middleware, type Context } from '@microsoft/microsoft-graph-client';
import { appKeyOf, loginEventId } from './platform-ids';
import {
  type AssignedUser,
  CredentialsRefused,
  type LoginPage,
  type Platform,
  RateLimited,
  refusal,
  retryAfter,
  type SourceAccess,
} from './platform';

/** Sign-ins can reach the log minutes after they happened: each poll reads again the half hour before its checkpoint. */
const LATE_MS = 30 * 60_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

interface EntraSettings {
  directoryId: string;
  clientId: string;
  authorityUrl: string;
  graphUrl: string;
}

type EntraCheckpoint = {
  /** Every sign-in before this instant (less LATE_MS) has been produced. */
  until: string;
};

interface SignIn {
  id: string;
  createdDateTime: string;
  userId?: string;
  userPrincipalName?: string;
  appId?: string;
  appDisplayName?: string;
  status?: { errorCode?: number };
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Entra ID (SPEC §8): Microsoft Graph `GET /auditLogs/signIns` (`appId`, `appDisplayName`,
 * `userId`, `userPrincipalName`, `createdDateTime`; only `status.errorCode` 0), paged by
 * `@odata.nextLink`, through `@microsoft/microsoft-graph-client`. The log lists newest first,
 * so a poll reads a window [since, now) and moves its checkpoint only after the last page.
 * Assignment lists: `GET /servicePrincipals/{id}/appRoleAssignedTo`, users directly and the
 * members of assigned groups, e-mails from `directoryObjects/getByIds`.
 */
export const entra: Platform = {
  async *logins(source, checkpoint) {
    const graph = graphOf(source);
    const previous = checkpoint as EntraCheckpoint | null;
    const since = new Date(previous ? Date.parse(previous.until) - LATE_MS : source.firstPollSince.getTime());
    const until = new Date();
    const filter = `createdDateTime ge ${since.toISOString()} and createdDateTime lt ${until.toISOString()}`;
    let page = await graph.get<Page<SignIn>>(`/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=1000`);
    let newestAt: Date | null = null;
    for (;;) {
      const signIns = (page.value ?? []).filter((s) => s.status?.errorCode === 0);
      const logins = signIns.flatMap((s) => loginOf(source, s));
      for (const s of signIns)
        if (!newestAt || Date.parse(s.createdDateTime) > newestAt.getTime()) newestAt = new Date(s.createdDateTime);
      const next = page['@odata.nextLink'];
      yield {
        logins,
        checkpoint: next ? (previous ?? {}) : ({ until: until.toISOString() } satisfies EntraCheckpoint),
        newestAt,
      } satisfies LoginPage;
      if (!next) return;
      page = await graph.get<Page<SignIn>>(next);
    }
  },

  async assignments(source, { ssoAppId }) {
    const graph = graphOf(source);
    const principals = await graph.get<Page<{ id: string }>>(
      `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${ssoAppId.replace(/'/g, "''")}'`)}&$select=id`,
    );
    const servicePrincipal = principals.value?.[0]?.id;
    // The app is gone from the directory.
    if (!servicePrincipal) return null;
    const userIds = new Set<string>();
    const groupIds = new Set<string>();
    for await (const a of graph.all<{ principalId: string; principalType: string }>(
      `/servicePrincipals/${encodeURIComponent(servicePrincipal)}/appRoleAssignedTo?$top=999`,
    )) {
      if (a.principalType === 'User') userIds.add(a.principalId);
      else if (a.principalType === 'Group') groupIds.add(a.principalId);
    }
    const users = new Map<string, AssignedUser>();
    for (const group of groupIds)
      for await (const u of graph.all<GraphUser>(
        `/groups/${encodeURIComponent(group)}/transitiveMembers/microsoft.graph.user?$select=id,mail,userPrincipalName&$top=999`,
      ))
        addUser(users, u);
    const direct = [...userIds].filter((id) => !users.has(id));
    for (let i = 0; i < direct.length; i += 1000) {
      const found = await graph.post<Page<GraphUser>>('/directoryObjects/getByIds', {
        ids: direct.slice(i, i + 1000),
        types: ['user'],
      });
      for (const u of found.value ?? []) addUser(users, u);
    }
    return [...users.values()];
  },
};

interface GraphUser {
  id: string;
  mail?: string | null;
  userPrincipalName?: string | null;
}

function addUser(users: Map<string, AssignedUser>, u: GraphUser) {
  const email = u.mail ?? u.userPrincipalName;
  if (email?.includes('@')) users.set(u.id, { userId: u.id, email });
}

function loginOf(source: SourceAccess, s: SignIn) {
  const email = s.userPrincipalName;
  if (!s.appId || !s.userId || !email?.includes('@')) return [];
  const appName = s.appDisplayName || s.appId;
  return [
    {
      eventId: loginEventId('entra', source.ssoConnectionId, s.id),
      ssoConnectionId: source.ssoConnectionId,
      ssoAppId: s.appId,
      appKey: appKeyOf(appName, s.appId),
      appName,
      userId: s.userId,
      email,
      method: 'sso' as const,
      at: new Date(s.createdDateTime).toISOString(),
    },
  ];
}

/** One Graph client (and so one token) per poll: its logins and every app's list share it. */
const graphs = new WeakMap<SourceAccess, ReturnType<typeof newGraph>>();
function graphOf(source: SourceAccess) {
  let graph = graphs.get(source);
  if (!graph) graphs.set(source, (graph = newGraph(source)));
  return graph;
}

/**
 * A Graph client for one poll: our own token middleware (the SDK's attaches tokens only to
 * https:// hosts, so a test server could not be reached) and no retry middleware (the poll
 * pauses on 429 itself); links followed as the API gives them.
 */
function newGraph(source: SourceAccess) {
  const settings = source.settings as unknown as EntraSettings;
  const base = settings.graphUrl.replace(/\/+$/, '');
  const token = clientCredentials(settings, source.secret, source.timeoutMs);
  const auth: Middleware & { next?: Middleware } = {
    async execute(context: Context) {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const headers = new Headers(context.options?.headers as Record<string, string> | undefined);
      if (new URL(url).origin === new URL(base).origin) headers.set('Authorization', `Bearer ${await token()}`);
      context.options = {
        ...context.options,
        headers: Object.fromEntries(headers),
        signal: AbortSignal.timeout(source.timeoutMs),
      };
      return auth.next!.execute(context);
    },
    setNext(next: Middleware) {
      auth.next = next;
    },
  };
  const client = Client.initWithMiddleware({
    baseUrl: base,
    defaultVersion: 'v1.0',
    middleware: [auth, new HTTPMessageHandler()],
  });
  // `client.api` strips base and version only from https:// links; the rest it would append to them.
  const path = (link: string) => (link.startsWith(`${base}/v1.0/`) ? link.slice(`${base}/v1.0`.length) : link);
  const graph = {
    get: <T>(link: string) => call<T>(() => client.api(path(link)).get()),
    post: <T>(link: string, body: unknown) => call<T>(() => client.api(path(link)).post(body)),
    async *all<T>(link: string): AsyncGenerator<T> {
      let page = await graph.get<Page<T>>(link);
      for (;;) {
        yield* page.value ?? [];
        const next = page['@odata.nextLink'];
        if (!next) return;
        page = await graph.get<Page<T>>(next);
      }
    },
  };
  return graph;
}

/** OAuth 2.0 client credentials at the configured authority, the token kept until shortly before it expires. */
function clientCredentials(settings: EntraSettings, secret: string, timeoutMs: number) {
  const url = `${settings.authorityUrl.replace(/\/+$/, '')}/${encodeURIComponent(settings.directoryId)}/oauth2/v2.0/token`;
  let cached: { token: string; until: number } | null = null;
  return async (): Promise<string> => {
    if (cached && Date.now() < cached.until) return cached.token;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: settings.clientId,
        client_secret: secret,
        scope: GRAPH_SCOPE,
        grant_type: 'client_credentials',
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (response.status === 429)
      throw new RateLimited(retryAfter(response.headers.get('retry-after')) ?? new Date(Date.now() + 60_000), 'entra');
    if (!response.ok || typeof body.access_token !== 'string') {
      const reason =
        `entra refused the client credentials (${response.status}): ${body.error ?? ''} ${(body.error_description ?? '').split('\n')[0]}`.trim();
      if (response.status === 400 || response.status === 401) throw new CredentialsRefused(reason);
      throw new Error(reason);
    }
    cached = { token: body.access_token, until: Date.now() + (Number(body.expires_in ?? 3600) - 300) * 1000 };
    return cached.token;
  };
}

interface GraphErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
  headers?: { get?(name: string): string | null };
}

/** Graph's answers as the poll's errors: 429 → wait `Retry-After`. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const e = error as GraphErrorLike;
    throw refusal(
      'entra',
      {
        status: e.statusCode,
        retryAt: retryAfter(e.headers?.get?.('retry-after')),
        credentials: 'the token',
        reason: `${e.code ?? ''} ${e.message}`.trim(),
      },
      error,
    );
  }
}
