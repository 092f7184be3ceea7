// SPEC §8 end to end: sso-sources pulls logins and assignment lists from servers shaped like
// Okta's, Entra ID's and Google Workspace's APIs (e2e/test/sso-sources/), through the
// platforms' own SDKs, into sso.events.v1 and on to the views, each service in its own process.
import { TOPICS } from '@org/contracts';
import {
  eventually,
  gatewayCall,
  type Product,
  readTopic,
  type ServiceProcess,
  startProduct,
  testKafka,
} from '@org/testing';
import { fakeEntra } from './sso-sources/graph-api';
import { fakeGoogle } from './sso-sources/google-reports-api';
import { fakeOkta } from './sso-sources/okta-api';
import type { PlatformServer } from './sso-sources/platform-server';
import { Client } from 'pg';

const HOUR = 3_600_000;

/** Every message of a topic of this file, up to its end now. */
async function wholeTopic(topic: string) {
  const { kafka, topic: physical } = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(physical(topic)).finally(() => admin.disconnect());
  const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  return readTopic(topic, (m) => m.length >= total);
}
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

describe('sso-sources: pulling from the SSO platforms (SPEC §8)', () => {
  let product: Product;
  const fakes: PlatformServer[] = [];
  /** Every secret given to a source here, searched for at the end in logs, events and answers. */
  const secrets: string[] = [];
  const running = (): ServiceProcess[] => product.all;
  beforeAll(async () => {
    product = await startProduct({
      env: {
        // Quick turns for a test: a crashed poll's lease runs out in 3 s, failures retry within a second.
        SSO_SOURCES_LEASE_MS: '3000',
        SSO_SOURCES_TICK_MS: '200',
        SSO_SOURCES_BACKOFF_MS: '500',
        SSO_SOURCES_MAX_BACKOFF_MS: '2000',
        SSO_SOURCES_FIRST_POLL_DAYS: '30',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(running().map((s) => s.stop()));
    await Promise.all(fakes.map((f) => f.close()));
  });

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(product.gateway.url)(method, path, key, body);
  /** Everything the API answered in this file, searched for secrets at the end. */
  const answers: string[] = [];
  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const r = await api(method, path, key, body);
    answers.push(JSON.stringify(r.body ?? null));
    return r;
  };

  async function tenantWithConnection(name: string, platform: string) {
    const { tenantId, apiKey } = (await call('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name })).body;
    const sso = (await call('POST', '/v1/sso-connections', apiKey, { platform, name: `${platform} of ${name}` })).body;
    return { tenantId, apiKey, ssoConnectionId: sso.id as string };
  }

  /** PUT the source once sso-sources has heard of the connection (sso.instances.v1). */
  const attach = (apiKey: string, ssoConnectionId: string, body: { secret: string } & Record<string, unknown>) => {
    secrets.push(body.secret);
    return eventually(async () => {
      const r = await call('PUT', `/v1/sso-connections/${ssoConnectionId}/source`, apiKey, body);
      if (r.status === 404) return null;
      expect(r.status).toBe(200);
      return r.body;
    });
  };

  const sourceOf = async (apiKey: string, ssoConnectionId: string) =>
    (await call('GET', `/v1/sso-connections/${ssoConnectionId}/source`, apiKey)).body;
  /** The source once `check` holds for it (else the last state seen, in the failure). */
  const sourceWhen = (
    apiKey: string,
    ssoConnectionId: string,
    check: (s: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ) =>
    eventually(async () => {
      const s = await sourceOf(apiKey, ssoConnectionId);
      if (!check(s)) throw new Error(`source not there yet: ${JSON.stringify(s)}`);
      return s;
    }, timeoutMs);

  it('pulls Okta logins page by page in order, then the apps’ assignment lists; another tenant sees nothing of it', async () => {
    const okta = await fakeOkta({ token: '00oktaTOKEN-abcdefghijklmnop', pageSize: 2 });
    fakes.push(okta);
    const { apiKey, ssoConnectionId } = await tenantWithConnection('Okta Co', 'okta');
    // Ten logins of four people to two apps: five full pages.
    for (let i = 0; i < 10; i++)
      okta.logins.push({
        userId: `00u${i % 4}`,
        email: `user${i % 4}@okta.test`,
        appId: i % 2 ? '0oaSLACK' : '0oaSF',
        appName: i % 2 ? 'Slack' : 'Salesforce',
        published: ago(100 - i),
      });
    okta.appUsers.set('0oaSF', [
      { id: '00u0', email: 'user0@okta.test' },
      { id: '00u2', email: 'user2@okta.test' },
      { id: '00u9', email: 'user9@okta.test' },
    ]);
    okta.appUsers.set('0oaSLACK', [{ id: '00u1', email: 'user1@okta.test' }]);

    const attached = await attach(apiKey, ssoConnectionId, {
      platform: 'okta',
      settings: { orgUrl: okta.url, pollIntervalSeconds: 3600 },
      secret: okta.token,
    });
    expect(attached).toMatchObject({
      platform: 'okta',
      settings: { orgUrl: okta.url },
      state: 'polling',
      eventsPulled: 0,
    });
    expect(attached).not.toHaveProperty('secret');

    const pulled = await eventually(async () => {
      const s = await sourceOf(apiKey, ssoConnectionId);
      return s.eventsPulled === 10 && s.lastPolledAt ? s : null;
    });
    expect(pulled).toMatchObject({ state: 'polling', lastError: null, lastEventAt: okta.logins[9].published });
    // Five pages, each asked for after the last one's cursor, then the empty page that ends a polling query.
    const logPages = okta.requests.filter((r) => r.path === '/api/v1/logs');
    expect(logPages.map((r) => r.query.get('after'))).toEqual([
      null,
      '00000002',
      '00000004',
      '00000006',
      '00000008',
      '00000010',
    ]);
    expect(logPages[0].query.get('since')).toBeTruthy();

    // The logins reach the product: both apps are instances of the connection.
    const apps = await eventually(async () => {
      const items = (await call('GET', '/v1/applications', apiKey)).body.items;
      return items.length === 2 ? items : null;
    });
    expect(apps.map((a: { appKey: string }) => a.appKey).sort()).toEqual(['salesforce', 'slack']);

    // Lists are pulled for the apps that have had logins: on the next poll, asked for now.
    expect((await call('POST', `/v1/sso-connections/${ssoConnectionId}/source/sync`, apiKey)).status).toBe(202);
    await eventually(() =>
      ['0oaSF', '0oaSLACK'].every((app) => okta.requests.some((r) => r.path === `/api/v1/apps/${app}/users`)),
    );
    // Each app's list of this connection (a list of one app can come twice: first poll, then sync).
    const listsOf = (m: Array<{ value: string | null }>) =>
      m
        .filter((x) => x.value?.includes('"sso.assignments"'))
        .map((x) => JSON.parse(x.value!))
        .filter((e) => e.data.ssoConnectionId === ssoConnectionId);
    const lists = listsOf(
      await readTopic(TOPICS.ssoEvents, (m) =>
        ['0oaSF', '0oaSLACK'].every((app) => listsOf(m).some((e) => e.data.ssoAppId === app)),
      ),
    );
    const sf = lists.find((e) => e.data.ssoAppId === '0oaSF');
    expect(sf.data.users.map((u: { userId: string }) => u.userId)).toEqual(['00u0', '00u2', '00u9']);

    // Another tenant: every call on this source answers 404, as for a connection that does not exist.
    const other = await tenantWithConnection('Other Co', 'okta');
    expect((await call('GET', `/v1/sso-connections/${ssoConnectionId}/source`, other.apiKey)).status).toBe(404);
    expect((await call('POST', `/v1/sso-connections/${ssoConnectionId}/source/sync`, other.apiKey)).status).toBe(404);
    expect((await call('DELETE', `/v1/sso-connections/${ssoConnectionId}/source`, other.apiKey)).status).toBe(404);
    const put = await call('PUT', `/v1/sso-connections/${ssoConnectionId}/source`, other.apiKey, {
      platform: 'okta',
      settings: { orgUrl: okta.url },
      secret: 'x',
    });
    expect(put.status).toBe(404);
    expect((await call('GET', `/v1/sso-connections/${other.ssoConnectionId}/source`, other.apiKey)).status).toBe(404);
    // A bad request is a clear 400.
    const bad = await call('PUT', `/v1/sso-connections/${other.ssoConnectionId}/source`, other.apiKey, {
      platform: 'okta',
      settings: { orgUrl: 'ftp://okta.test' },
      secret: '',
    });
    expect(bad.status).toBe(400);
  });

  it('honours a 429 until its reset, marks a source whose token was revoked failing, and the other sources go on', async () => {
    const okta = await fakeOkta({ token: '00oktaSECOND-token-zyxwvut', pageSize: 50 });
    const entra = await fakeEntra({ directoryId: 'contoso.onmicrosoft.com', pageSize: 2 });
    fakes.push(okta, entra);
    const a = await tenantWithConnection('Throttled Co', 'okta');
    const b = await tenantWithConnection('Entra Co', 'entra');
    okta.logins.push({
      userId: '00uA',
      email: 'ann@throttled.test',
      appId: '0oaZOOM',
      appName: 'Zoom',
      published: ago(5),
    });
    entra.signIns.push(
      ...[1, 2, 3, 4, 5].map((i) => ({
        userId: `u-${i}`,
        email: `user${i}@contoso.test`,
        appId: 'app-teams',
        appName: 'Microsoft Teams',
        createdDateTime: ago(i),
      })),
      // A failed sign-in is not a login.
      {
        userId: 'u-9',
        email: 'user9@contoso.test',
        appId: 'app-teams',
        appName: 'Microsoft Teams',
        createdDateTime: ago(2),
        errorCode: 50126,
      },
    );
    entra.users.set('u-1', { mail: 'user1@contoso.test', userPrincipalName: 'user1@contoso.test' });
    entra.users.set('u-2', { mail: null, userPrincipalName: 'user2@contoso.test' });
    entra.users.set('u-7', { mail: 'user7@contoso.test', userPrincipalName: 'user7@contoso.test' });
    entra.groups.set('g-sales', ['u-7']);
    entra.assignments.set('app-teams', [
      { id: 'u-1', type: 'User' },
      { id: 'u-2', type: 'User' },
      { id: 'g-sales', type: 'Group' },
    ]);

    // Okta says wait 4 s before the first request is answered.
    const reset = new Date(Date.now() + 4_000);
    okta.rateLimitUntil(reset);
    await attach(a.apiKey, a.ssoConnectionId, { platform: 'okta', settings: { orgUrl: okta.url }, secret: okta.token });
    const paused = await eventually(async () => {
      const s = await sourceOf(a.apiKey, a.ssoConnectionId);
      return s.state === 'paused' ? s : null;
    });
    expect(paused.lastError).toContain('rate limit');
    expect(Date.parse(paused.nextPollAt)).toBe(Math.ceil(reset.getTime() / 1000) * 1000);

    // Meanwhile the Entra source of another tenant is polled, its lists too, throttled once itself.
    entra.rateLimitFor(2);
    await attach(b.apiKey, b.ssoConnectionId, {
      platform: 'entra',
      settings: {
        directoryId: 'contoso.onmicrosoft.com',
        clientId: entra.clientId,
        authorityUrl: entra.url,
        graphUrl: entra.url,
      },
      secret: entra.clientSecret,
    });
    const entraPulled = await eventually(async () => {
      const s = await sourceOf(b.apiKey, b.ssoConnectionId);
      return s.eventsPulled === 5 ? s : null;
    }, 30_000);
    expect(entraPulled.state).toBe('polling');
    const throttled = entra.requests.findIndex((r) => r.path === '/v1.0/auditLogs/signIns');
    const afterThrottle = entra.requests.slice(throttled + 1).find((r) => r.path === '/v1.0/auditLogs/signIns')!;
    expect(afterThrottle.at - entra.requests[throttled].at).toBeGreaterThanOrEqual(2_000 - 50);
    // Three pages of the sign-in log, newest first, the failed sign-in left out.
    expect(entra.requests.filter((r) => r.path === '/v1.0/auditLogs/signIns').length).toBe(4);

    // Okta: no request before the reset, then the login.
    const oktaPulled = await sourceWhen(
      a.apiKey,
      a.ssoConnectionId,
      (s) => s.eventsPulled === 1 && s.state === 'polling',
      30_000,
    );
    expect(oktaPulled.lastError).toBeNull();
    const logs = okta.requests.filter((r) => r.path === '/api/v1/logs');
    expect(logs[1].at).toBeGreaterThanOrEqual(Math.ceil(reset.getTime() / 1000) * 1000);

    // Entra's lists: direct users and the members of an assigned group, e-mails looked up.
    expect((await call('POST', `/v1/sso-connections/${b.ssoConnectionId}/source/sync`, b.apiKey)).status).toBe(202);
    const lists = await readTopic(TOPICS.ssoEvents, (m) =>
      m.some((x) => x.value?.includes('"sso.assignments"') && x.value.includes('app-teams')),
    );
    const teams = lists
      .map((m) => JSON.parse(m.value!))
      .find((e) => e.type === 'sso.assignments' && e.data.ssoAppId === 'app-teams');
    expect(teams.data.users).toEqual(
      expect.arrayContaining([
        { userId: 'u-1', email: 'user1@contoso.test' },
        { userId: 'u-2', email: 'user2@contoso.test' },
        { userId: 'u-7', email: 'user7@contoso.test' },
      ]),
    );

    // The Okta token is revoked: the source fails with Okta's reason; the Entra source goes on.
    okta.revokeToken();
    await call('POST', `/v1/sso-connections/${a.ssoConnectionId}/source/sync`, a.apiKey);
    const failing = await eventually(async () => {
      const s = await sourceOf(a.apiKey, a.ssoConnectionId);
      return s.state === 'failing' ? s : null;
    });
    // /metrics: per source, what was pulled, the polls by outcome, the failures, the lag.
    const sources = product.all.find((x) => x.name === 'sso-sources')!;
    const metrics = await (await fetch(`${sources.url}/metrics`)).text();
    const line = (name: string, source: string, extra = '') =>
      new RegExp(`^${name}\\{[^}]*source="${source}"[^}]*${extra}[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1];
    expect(Number(line('sso_source_events_pulled_total', b.ssoConnectionId))).toBe(5);
    expect(Number(line('sso_source_polls_total', a.ssoConnectionId, 'outcome="rate_limited"'))).toBe(1);
    expect(Number(line('sso_source_polls_total', b.ssoConnectionId, 'outcome="ok"'))).toBeGreaterThanOrEqual(1);
    expect(Number(line('sso_source_failures_total', a.ssoConnectionId))).toBeGreaterThanOrEqual(1);
    expect(Number(line('sso_source_lag_seconds', b.ssoConnectionId))).toBeLessThan(60);
    expect(failing.lastError).toMatch(/okta refused the API token \(401\): E0000011 Invalid token provided/);
    entra.signIns.push({
      userId: 'u-6',
      email: 'user6@contoso.test',
      appId: 'app-teams',
      appName: 'Microsoft Teams',
      createdDateTime: ago(0.01),
    });
    await call('POST', `/v1/sso-connections/${b.ssoConnectionId}/source/sync`, b.apiKey);
    await eventually(async () => (await sourceOf(b.apiKey, b.ssoConnectionId)).eventsPulled === 6);
    expect((await sourceOf(a.apiKey, a.ssoConnectionId)).state).toBe('failing');
  });

  it('pulls Google Workspace SAML logins with a service account, page by page', async () => {
    const google = await fakeGoogle({ pageSize: 3 });
    fakes.push(google);
    const { apiKey, ssoConnectionId } = await tenantWithConnection('Google Co', 'google');
    for (let i = 0; i < 7; i++)
      google.logins.push({
        profileId: `1000${i}`,
        email: `g${i}@gco.test`,
        appName: i % 2 ? 'Atlassian Cloud' : 'Zoom',
        time: ago(10 + i),
      });
    await attach(apiKey, ssoConnectionId, {
      platform: 'google',
      settings: {
        serviceAccountEmail: google.serviceAccountEmail,
        adminEmail: google.adminEmail,
        tokenUrl: `${google.url}/token`,
        apiUrl: `${google.url}/`,
      },
      secret: google.privateKey,
    });
    await sourceWhen(apiKey, ssoConnectionId, (s) => s.eventsPulled === 7);
    const pages = google.requests.filter((r) => r.path.endsWith('/applications/saml'));
    expect(pages.map((r) => r.query.get('pageToken'))).toEqual([null, '3', '6']);
    const apps = await eventually(async () => {
      const items = (await call('GET', '/v1/applications', apiKey)).body.items;
      return items.length === 2 ? items : null;
    });
    expect(apps.map((a: { appKey: string }) => a.appKey).sort()).toEqual(['atlassian-cloud', 'zoom']);
    // Google has no assignment lists (its instances are estimated from logins, R1).
    await call('POST', `/v1/sso-connections/${ssoConnectionId}/source/sync`, apiKey);
    await eventually(() => google.requests.filter((r) => r.path.endsWith('/applications/saml')).length > 3);
  });

  it('loses no login and counts none twice when killed between producing a page and writing its checkpoint', async () => {
    const okta = await fakeOkta({ token: '00oktaCRASH-token-qwertyuiop', pageSize: 3 });
    fakes.push(okta);
    const { apiKey, ssoConnectionId } = await tenantWithConnection('Crash Co', 'okta');
    for (let i = 0; i < 9; i++)
      okta.logins.push({
        userId: `00uC${i}`,
        email: `c${i}@crash.test`,
        appId: '0oaBOX',
        appName: 'Box',
        published: ago(30 - i),
      });
    // While the second page is asked for, hold the source's row: the service produces that page,
    // the broker acknowledges it, and the checkpoint write then waits on the lock, where it is killed.
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    let held = false;
    okta.beforeLogPage = async (after) => {
      if (after !== '00000003' || held) return;
      held = true;
      await db.query('begin');
      await db.query('select 1 from sso_sources.sso_source where sso_connection_id = $1 for update', [ssoConnectionId]);
    };
    try {
      await attach(apiKey, ssoConnectionId, { platform: 'okta', settings: { orgUrl: okta.url }, secret: okta.token });
      const loginsOf = (m: Array<{ value: string | null }>) =>
        m
          .map((x) => JSON.parse(x.value!))
          .filter((e) => e.type === 'sso.login' && e.data.ssoConnectionId === ssoConnectionId);
      await readTopic(TOPICS.ssoEvents, (m) => loginsOf(m).length >= 6);
      await eventually(async () => {
        const { rows } = await db.query(
          `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%sso_source%'`,
        );
        return rows[0].n > 0;
      });
      await product.kill('sso-sources', false);
      await db.query('rollback');
      await product.start('sso-sources');

      // The restarted service takes the source up once the lease runs out, from the first page's checkpoint.
      const done = await sourceWhen(
        apiKey,
        ssoConnectionId,
        (s) => s.eventsPulled === 9 && s.state === 'polling',
        30_000,
      );
      expect(done.lastError).toBeNull();
      const logs = okta.requests.filter((r) => r.path === '/api/v1/logs').map((r) => r.query.get('after'));
      expect(logs.filter((a) => a === '00000003').length).toBe(2);
      // The second page went out twice, with the same event ids: nine logins, nine ids.
      const sent = loginsOf(await readTopic(TOPICS.ssoEvents, (m) => loginsOf(m).length >= 12));
      expect(new Set(sent.map((e) => e.id)).size).toBe(9);
      expect(new Set(sent.map((e) => e.data.userId)).size).toBe(9);
      // The view counts each of the nine people once, as seats of today's estimate.
      const instanceId = await eventually(
        async () => (await call('GET', '/v1/applications', apiKey)).body.items[0]?.instances[0]?.instanceId,
      );
      const today = new Date().toISOString().slice(0, 10);
      await eventually(async () => {
        const view = (await call('GET', `/v1/instances/${instanceId}/provisioning?from=${today}&to=${today}`, apiKey))
          .body;
        const day = view.days?.at(-1);
        if (day?.provisionedUsers !== 9) throw new Error(`not yet: ${JSON.stringify(day)}`);
        return day;
      });
    } finally {
      await db.end();
    }
  });

  it('never shows a secret: not in any log line, event or answer, nor stored in the clear', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    // A private key is searched for by a line of its body (PEM wraps at 64 characters).
    const needles = secrets.map((s) => (s.includes('PRIVATE KEY') ? s.split('\n')[5] : s));
    const logs = product.all.map((s) => s.output.join('')).join('');
    const events = (await wholeTopic(TOPICS.ssoEvents)).map((m) => m.value).join('');
    expect(events).toContain('"sso.login"');
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const stored = (await db.query('select settings::text, sealed_secret, last_error from sso_sources.sso_source'))
      .rows;
    await db.end();
    expect(stored.length).toBeGreaterThanOrEqual(4);
    for (const needle of needles) {
      expect(needle.length).toBeGreaterThan(10);
      expect(logs).not.toContain(needle);
      expect(events).not.toContain(needle);
      expect(answers.join('')).not.toContain(needle);
      expect(JSON.stringify(stored)).not.toContain(needle);
    }
  });
});
