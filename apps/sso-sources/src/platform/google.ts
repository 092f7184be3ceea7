import { admin, admin_reports_v1, auth } from '@googleapis/admin';
import { createHash } from 'node:crypto';
import { appKeyOf, loginEventId } from './platform-ids';
import { type LoginPage, type Platform, refusal, retryAfter, type SourceAccess } from './platform';

const SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';
/** google-auth-library's own token URL: it has no option for another one (see `client`). */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/**
 * The Reports API may show an activity hours after it happened: each poll reads again the
 * last hour before its checkpoint (the event ids make the repeats harmless).
 */
const LATE_MS = 3_600_000;
const PAGE_SIZE = 1000;

type GoogleCheckpoint = {
  /** Every activity before this instant (less LATE_MS) has been produced. */
  until: string;
};

/**
 * Google Workspace (SPEC §8): SAML `login_success` activities of the Admin SDK Reports API,
 * through `@googleapis/admin` with a service account's JWT (domain-wide delegation, acting as
 * `adminEmail`). The API gives newest first, so a poll reads a window [since, now) page by
 * page (`nextPageToken`) and moves its checkpoint only after the last page. No assignment
 * lists: Google's instances are estimated from logins (R1).
 */
export const google: Platform = {
  async *logins(source, checkpoint) {
    const reports = client(source);
    const previous = checkpoint as GoogleCheckpoint | null;
    const startTime = new Date(
      previous ? Date.parse(previous.until) - LATE_MS : source.firstPollSince.getTime(),
    ).toISOString();
    const endTime = new Date().toISOString();
    let pageToken: string | undefined;
    let newestAt: Date | null = null;
    do {
      const page = await call(() =>
        reports.activities.list({
          userKey: 'all',
          applicationName: 'saml',
          eventName: 'login_success',
          startTime,
          endTime,
          maxResults: PAGE_SIZE,
          pageToken,
        }),
      );
      pageToken = page.data.nextPageToken ?? undefined;
      const logins = (page.data.items ?? []).flatMap((activity) => loginsOf(source, activity));
      for (const l of logins) if (!newestAt || Date.parse(l.at) > newestAt.getTime()) newestAt = new Date(l.at);
      const done: LoginPage['checkpoint'] = pageToken
        ? (previous ?? {})
        : ({ until: endTime } satisfies GoogleCheckpoint);
      yield { logins, checkpoint: done, newestAt };
    } while (pageToken);
  },
};

type Activity = admin_reports_v1.Schema$Activity;

/** SPEC §8: user `actor.email` (and its profile id), app `application_name`, time `id.time`. */
function loginsOf(source: SourceAccess, activity: Activity) {
  const email = activity.actor?.email;
  const at = activity.id?.time;
  if (!email || !at) return [];
  return (activity.events ?? [])
    .filter((e) => e.name === 'login_success')
    .flatMap((event, i) => {
      const appName = event.parameters?.find((p) => p.name === 'application_name')?.value;
      if (!appName) return [];
      // Google names SAML apps but gives them no id in the log: the name, as a key, is the app's id.
      const ssoAppId = appKeyOf(appName, createHash('sha256').update(appName).digest('hex').slice(0, 16));
      return [
        {
          eventId: loginEventId('google', source.ssoConnectionId, `${at}:${activity.id?.uniqueQualifier ?? ''}:${i}`),
          ssoConnectionId: source.ssoConnectionId,
          ssoAppId,
          appKey: ssoAppId,
          appName,
          userId: activity.actor?.profileId ?? email,
          email,
          method: 'sso' as const,
          at: new Date(at).toISOString(),
        },
      ];
    });
}

function client(source: SourceAccess) {
  const settings = source.settings as {
    serviceAccountEmail: string;
    adminEmail: string;
    tokenUrl: string;
    apiUrl: string;
  };
  const jwt = new auth.JWT({
    email: settings.serviceAccountEmail,
    key: source.secret,
    scopes: [SCOPE],
    subject: settings.adminEmail,
    // No retries of its own, the token's included: the poll honours Retry-After and backs off itself.
    transporterOptions: { retryConfig: { retry: 0 }, timeout: source.timeoutMs },
  });
  if (settings.tokenUrl !== GOOGLE_TOKEN_URL) {
    // The library's token URL is a constant; another one (a test server) is reached by rewriting it.
    jwt.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(settings.tokenUrl);
        return options;
      },
    });
  }
  return admin({ version: 'reports_v1', auth: jwt, rootUrl: settings.apiUrl, retry: false, timeout: source.timeoutMs });
}

interface GaxiosLike {
  status?: number;
  message: string;
  response?: { headers?: { get?(name: string): string | null } };
}

/** Google's answers as the poll's errors: 429 → wait `Retry-After`; the token's 400s are credentials too. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const e = error as GaxiosLike;
    throw refusal(
      'google',
      {
        status: e.status,
        retryAt: retryAfter(e.response?.headers?.get?.('retry-after')),
        credentials: 'the service account',
        refused: e.status === 400 && /invalid_grant|unauthorized_client/.test(e.message),
        reason: e.message,
      },
      error,
    );
  }
}
