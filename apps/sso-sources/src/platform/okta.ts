import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { appKeyOf, loginEventId } from './platform-ids';
import { type AssignedUser, type LoginPage, type Platform, refusal, type SourceAccess } from './platform';

const FILTER = 'eventType eq "user.authentication.sso" and outcome.result eq "SUCCESS"';
const PAGE_SIZE = 1000;

interface OktaCheckpoint {
  /** The `after` cursor of the System Log's last `rel="next"` link: resumes right after the last event produced. */
  after: string;
}

interface LogEvent {
  uuid: string;
  published: string | Date;
  actor?: { id?: string; alternateId?: string };
  target?: Array<{ id?: string; type?: string; displayName?: string }>;
}

/**
 * Okta (SPEC §8): the System Log's `user.authentication.sso` events (user: `actor`; app: the
 * target of type `AppInstance`; time: `published`), oldest first, paged by the `Link:
 * rel="next"` header, through `@okta/okta-sdk-nodejs`. The checkpoint is the `after` cursor of
 * the last page's next link, as Okta's polling guidance says. Assignment lists: `GET
 * /api/v1/apps/{appId}/users`.
 */
export const okta: Platform = {
  async *logins(source, checkpoint) {
    const client = clientOf(source);
    const after = (checkpoint as OktaCheckpoint | null)?.after;
    const logs = await call(() =>
      client.systemLogApi.listLogEvents({
        ...(after ? { after } : { since: source.firstPollSince.toISOString() }),
        filter: FILTER,
        sortOrder: 'ASCENDING',
        limit: PAGE_SIZE,
      }),
    );
    let cursor = after;
    let newestAt: Date | null = null;
    for (;;) {
      const page = (await call(() => logs.getNextPage())) as unknown as LogEvent[];
      // A polling query always has a next link; an empty page is the end of what there is now.
      if (logs.nextUri) cursor = new URL(logs.nextUri).searchParams.get('after') ?? cursor;
      if (!page.length) return;
      const logins = page.flatMap((event) => loginOf(source, event));
      for (const e of page) {
        const at = new Date(e.published);
        if (!newestAt || at > newestAt) newestAt = at;
      }
      yield { logins, checkpoint: cursor ? { after: cursor } : {}, newestAt } satisfies LoginPage;
      if (!logs.nextUri) return;
    }
  },

  async assignments(source, { ssoAppId }) {
    const users = await call(() =>
      clientOf(source).applicationApi.listApplicationUsers({ appId: ssoAppId, limit: 500 }),
    );
    const assigned: AssignedUser[] = [];
    for (;;) {
      const page = await call(() => users.getNextPage()).catch((error: unknown) => {
        // E0000007: the app is gone from the org.
        if ((error as { cause?: OktaError }).cause?.status === 404) return null;
        throw error;
      });
      if (page === null) return null;
      for (const u of page as unknown as Array<{
        id?: string;
        profile?: { email?: string };
        credentials?: { userName?: string };
      }>) {
        const email = u.profile?.email ?? u.credentials?.userName;
        if (u.id && email?.includes('@')) assigned.push({ userId: u.id, email });
      }
      if (!page.length || !users.nextUri) return assigned;
    }
  },
};

function loginOf(source: SourceAccess, event: LogEvent) {
  const app = event.target?.find((t) => t.type === 'AppInstance');
  const userId = event.actor?.id;
  const email = event.actor?.alternateId;
  if (!app?.id || !userId || !email?.includes('@')) return [];
  const appName = app.displayName || app.id;
  return [
    {
      eventId: loginEventId('okta', source.ssoConnectionId, event.uuid),
      ssoConnectionId: source.ssoConnectionId,
      ssoAppId: app.id,
      appKey: appKeyOf(appName, app.id),
      appName,
      userId,
      email,
      method: 'sso' as const,
      at: new Date(event.published).toISOString(),
    },
  ];
}

/** One client per poll: its log pages and every app's list share it. */
const clients = new WeakMap<SourceAccess, Client>();
function clientOf(source: SourceAccess): Client {
  let client = clients.get(source);
  if (!client) clients.set(source, (client = newClient(source)));
  return client;
}

function newClient(source: SourceAccess): Client {
  return new Client({
    orgUrl: String(source.settings.orgUrl).replace(/\/+$/, ''),
    token: source.secret,
    authorizationMode: 'SSWS',
    // No retries of its own (it would wait out a 429 holding the poll's slot): the poll pauses the source instead.
    requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: source.timeoutMs }),
    cacheMiddleware: null,
  } as ConstructorParameters<typeof Client>[0]);
}

interface OktaError {
  status?: number;
  errorCode?: string;
  errorSummary?: string;
  message: string;
  headers?: { get?(name: string): string | null };
}

/** Okta's answers as the poll's errors: 429 → wait until `X-Rate-Limit-Reset` (epoch seconds). */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const e = error as OktaError;
    const reset = Number(e.headers?.get?.('x-rate-limit-reset'));
    throw refusal(
      'okta',
      {
        status: e.status,
        retryAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null,
        credentials: 'the API token',
        reason: e.errorCode ? `${e.errorCode} ${e.errorSummary ?? ''}`.trim() : e.message,
      },
      error,
    );
  }
}
