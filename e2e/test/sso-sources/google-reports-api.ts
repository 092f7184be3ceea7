// Google Workspace's Admin SDK Reports API as its documentation describes it, for
// `@googleapis/admin` to talk to:
// - the OAuth token endpoint: `POST /token`, grant `urn:ietf:params:oauth:grant-type:jwt-bearer`
//   with an RS256 assertion signed by the service account's key (checked here with its public
//   key: iss, sub, scope); a wrong key answers 400 `invalid_grant`.
// - `GET /admin/reports/v1/activity/users/all/applications/saml?eventName=login_success&startTime&endTime&maxResults&pageToken`,
//   newest first, paged by `nextPageToken`; activities `{kind, id: {time, uniqueQualifier,
//   applicationName, customerId}, actor: {email, profileId}, events: [{type, name, parameters}]}`.
// - Errors `{error: {code, message, errors: [{message, domain, reason}], status}}`: 401
//   UNAUTHENTICATED, 429 RESOURCE_EXHAUSTED with `Retry-After`.
import { createVerify, generateKeyPairSync, randomUUID } from 'node:crypto';
import { type Answer, platformServer, type PlatformServer } from './platform-server';

export interface GoogleLogin {
  profileId: string;
  email: string;
  appName: string;
  time: string;
}

export interface FakeGoogle extends PlatformServer {
  serviceAccountEmail: string;
  adminEmail: string;
  privateKey: string;
  logins: GoogleLogin[];
  rateLimitFor(seconds: number): void;
}

const googleError = (
  code: number,
  status: string,
  message: string,
  reason: string,
  headers?: Record<string, string>,
): Answer => ({
  status: code,
  headers,
  body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
});

export async function fakeGoogle(options: { pageSize: number }): Promise<FakeGoogle> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokens = new Set<string>();
  let limitedFor = 0;
  const fake = {
    serviceAccountEmail: 'reports@acme-project.iam.gserviceaccount.com',
    adminEmail: 'admin@acme.test',
    privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    logins: [] as GoogleLogin[],
    rateLimitFor: (seconds: number) => {
      limitedFor = seconds;
    },
  };
  const publicKey = keys.publicKey;
  const server = await platformServer((req) => {
    if (req.method === 'POST' && req.path === '/token') {
      const form = new URLSearchParams(req.body);
      const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
      const verified =
        form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
        !!signature &&
        createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature, 'base64url'));
      const c = verified ? JSON.parse(Buffer.from(claims, 'base64url').toString()) : {};
      if (
        !verified ||
        c.iss !== fake.serviceAccountEmail ||
        c.sub !== fake.adminEmail ||
        !String(c.scope).includes('admin.reports.audit.readonly')
      )
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
      const token = `ya29.${randomUUID()}`;
      tokens.add(token);
      return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
    }
    if (!tokens.has(String(req.headers.authorization).replace(/^Bearer /, '')))
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError');
    if (limitedFor) {
      const seconds = limitedFor;
      limitedFor = 0;
      return googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric', 'rateLimitExceeded', {
        'retry-after': String(seconds),
      });
    }
    if (req.path === '/admin/reports/v1/activity/users/all/applications/saml') {
      if (req.query.get('eventName') !== 'login_success')
        return googleError(400, 'INVALID_ARGUMENT', 'Bad eventName', 'invalid');
      const from = Date.parse(req.query.get('startTime') ?? '1970-01-01T00:00:00Z');
      const to = Date.parse(req.query.get('endTime') ?? '2999-01-01T00:00:00Z');
      const all = fake.logins
        .filter((l) => Date.parse(l.time) >= from && Date.parse(l.time) <= to)
        .sort((a, b) => b.time.localeCompare(a.time));
      const skip = Number(req.query.get('pageToken') ?? 0);
      const size = Math.min(Number(req.query.get('maxResults') ?? 1000), options.pageSize);
      const items = all.slice(skip, skip + size).map((l) => ({
        kind: 'admin#reports#activity',
        id: {
          time: l.time,
          uniqueQualifier: `-${Date.parse(l.time)}${fake.logins.indexOf(l)}`,
          applicationName: 'saml',
          customerId: 'C03az79cb',
        },
        etag: `"${randomUUID()}"`,
        actor: { callerType: 'USER', email: l.email, profileId: l.profileId },
        ownerDomain: 'acme.test',
        ipAddress: '203.0.113.7',
        events: [
          {
            type: 'login',
            name: 'login_success',
            parameters: [
              { name: 'application_name', value: l.appName },
              { name: 'initiated_by', value: 'sp' },
              { name: 'orgunit_path', value: '/' },
              { name: 'saml_status_code', value: 'SUCCESS_URI' },
            ],
          },
        ],
      }));
      return {
        status: 200,
        body: {
          kind: 'admin#reports#activities',
          etag: `"${randomUUID()}"`,
          ...(items.length ? { items } : {}),
          ...(skip + size < all.length ? { nextPageToken: String(skip + size) } : {}),
        },
      };
    }
    return googleError(404, 'NOT_FOUND', 'Not Found', 'notFound');
  });
  return { ...server, ...fake };
}
