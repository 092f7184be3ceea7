// The dashboard in a real browser: Playwright (playwright-core) driving Debian's chromium
// against the five services, each in its own process as `npm start` runs them. Screenshots
// of each step land in test-output/screenshots.
import { connectorEventKey, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin, aSnapshotPage } from '@org/contracts/testing';
import { eventually, gatewayCall, type Product, produce, startProduct } from '@org/testing';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { fakeOkta } from './sso-sources/okta-api';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../test-output/screenshots');
const DAY = 86_400_000;
const HISTORY_DAYS = 700;

const ago = (days: number, hour = 12) =>
  new Date(Math.floor(Date.now() / DAY) * DAY - days * DAY + hour * 3_600_000).toISOString();

describe('the dashboard in a browser, one session step by step (each step goes on from the page the one before left)', () => {
  let product: Product;
  let browser: Browser;
  let page: Page;
  let key: string;
  let zoomInstance: string;
  const api = (method: string, path: string, body?: unknown) =>
    gatewayCall(product.gateway.url)(method, path, key, body);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH`);
    mkdirSync(SHOTS, { recursive: true });
    // One-day rebuild steps: a rebuild of this history takes long enough to be watched.
    product = await startProduct({ env: { RESOLVER_REBUILD_STEP_DAYS: '1' } });

    // A tenant with Zoom (SSO logins for two years, connected with tiers) and Canva (social logins only).
    const tenant = await gatewayCall(product.gateway.url)('POST', '/v1/tenants', process.env.ADMIN_API_KEY, {
      name: 'Dashboard Co',
    });
    key = tenant.body.apiKey;
    const tenantId = tenant.body.tenantId;
    const sso = (await api('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta prod' })).body;
    const zoom = { ssoConnectionId: sso.id, ssoAppId: 'zoom-1', appKey: 'zoom', appName: 'Zoom' };
    const canva = { ssoConnectionId: sso.id, ssoAppId: 'canva-1', appKey: 'canva', appName: 'Canva' };
    const logins = [];
    for (let d = HISTORY_DAYS; d >= 1; d -= 5)
      for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'])
        logins.push(
          aLogin({ tenantId, data: { ...zoom, userId: u, email: `${u}@dash.example`, method: 'sso', at: ago(d) } }),
        );
    for (const u of ['c1', 'c2'])
      logins.push(
        aLogin({ tenantId, data: { ...canva, userId: u, email: `${u}@dash.example`, method: 'social', at: ago(3) } }),
      );
    await produce(
      TOPICS.ssoEvents,
      logins.map((e) => ({ key: ssoEventKey(tenantId, e.data.ssoConnectionId, e.data.ssoAppId), value: e })),
    );
    const apps = await eventually(async () => {
      const items = (await api('GET', '/v1/applications')).body.items;
      return items.length === 2 ? items : null;
    });
    zoomInstance = apps.find((a: { appKey: string }) => a.appKey === 'zoom').instances[0].instanceId;
    const connection = await api('POST', '/v1/connections', {
      instanceId: zoomInstance,
      kind: 'provisioning',
      vendor: 'SCIM',
      supportsLicenseTiers: true,
      effectiveAt: ago(40),
    });
    expect(connection.status).toBe(201);
    const user = (n: number, tier: string, status = 'active') => ({
      userId: `u${n}`,
      email: `u${n}@dash.example`,
      tier,
      status,
    });
    const first = [1, 2, 3, 4, 5].map((n) => user(n, 'Pro')).concat([6, 7, 8].map((n) => user(n, 'Viewer')));
    const later = [...first, user(9, 'Viewer'), user(10, 'Pro', 'suspended')];
    const snapshots = [
      ...[first.slice(0, 4), first.slice(4)].map((users, i) =>
        aSnapshotPage({
          tenantId,
          data: { connectionId: connection.body.id, syncId: 'sync-1', asOf: ago(30), page: i + 1, pageCount: 2, users },
        }),
      ),
      aSnapshotPage({
        tenantId,
        data: { connectionId: connection.body.id, syncId: 'sync-2', asOf: ago(10), users: later },
      }),
    ];
    await produce(
      TOPICS.connectorSnapshots,
      snapshots.map((e) => ({ key: connectorEventKey(tenantId, e.data.connectionId), value: e })),
    );
    await eventually(async () => {
      const days = (await api('GET', `/v1/instances/${zoomInstance}/provisioning`)).body.days;
      return days?.at(-1)?.source === 'connector' && days.at(-1).provisionedUsers === 9;
    }, 60_000);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all((product?.all ?? []).map((s) => s.stop()));
  });

  it('refuses a wrong key, then signs in with the tenant key', async () => {
    await page.goto(`${product.gateway.url}/`);
    await page.getByLabel('tenant key').fill('pk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'That key is not valid');
    await page.getByLabel('tenant key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByTestId('tenant'), 'Dashboard Co · UTC');
    await page.getByTestId('applications').waitFor();
    expect(await page.locator('tr[data-app]').count()).toBe(2);
  });

  it('shows an instance’s chart by source and by tier, with its connect marker', async () => {
    await page.locator('tr[data-app=zoom]').getByRole('button', { name: 'View' }).click();
    const bars = page.locator('[data-testid=chart] g.bar');
    await eventually(async () => (await bars.count()) === 90);
    const sources = await bars.evaluateAll((all) => all.map((b) => b.getAttribute('data-source')));
    // Connected 40 days ago, first snapshot 30 days ago: estimate, then the connector.
    expect(sources.slice(0, 50).every((s) => s === 'sso_estimate')).toBe(true);
    expect(sources.slice(-30).every((s) => s === 'connector')).toBe(true);
    expect(await page.locator('[data-testid=chart] [data-series=awaiting]').count()).toBeGreaterThan(0);
    await expectMarkers(page, 'connect', 1);
    expect(await page.locator('[data-testid=chart] .bar').last().getAttribute('data-provisioned')).toBe('9');
    await shot('1-instance-by-source');

    await page.getByLabel('bars').selectOption('tier');
    const lastBar = page.locator('[data-testid=chart] .bar').last();
    await eventually(async () => (await lastBar.locator('[data-series="tier:Pro"]').count()) === 1);
    expect(await lastBar.locator('[data-series="tier:Viewer"]').count()).toBe(1);
    await shot('2-instance-by-tier');
  });

  it('shows the reclaimable seats of the tenant and of an instance, and downloads them as CSV', async () => {
    // Seats unused for 20 days are reclaimable here; a Viewer costs $8 a month.
    const settings = { inactiveAfterDays: 20, currency: 'USD', tierMonthlyPrices: { Viewer: 8 } };
    expect((await api('PUT', `/v1/instances/${zoomInstance}/reclamation-settings`, settings)).status).toBe(200);
    await page.reload();
    const overview = page.getByTestId('waste-overview');
    await expectText(overview, '$16.00 a month, 2 seats');
    await overview.locator(`tr[data-instance="${zoomInstance}"]`).getByRole('button', { name: 'View' }).click();

    // u7 and u8 (Viewers since the first snapshot, 30 days ago) never logged in; u9 is new (grace).
    const panel = page.getByTestId('reclamation');
    await expectText(panel.getByTestId('waste'), '$16.00 a month on 2 of 9 seats (6 active in the last 20 days)');
    await expectText(panel.locator('[data-reason=never_used]').first(), '2 never used');
    expect(
      await panel
        .locator('[data-testid=seats] tr[data-user]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user'))),
    ).toEqual(['u7', 'u8']);
    expect(await panel.locator('[data-testid=tiers] tr[data-tier=Viewer] td').allTextContents()).toEqual([
      'Viewer',
      '4',
      '2',
      '$8.00',
      '$16.00',
    ]);
    await shot('2b-reclaimable-seats');

    const download = page.waitForEvent('download');
    await panel.getByTestId('csv').click();
    const file = await download;
    const csv = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe('userId,email,tier,reason,lastActiveAt,provisionedSince,daysInactive');
    expect(csv.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      'u7,u7@dash.example,Viewer,never_used',
      'u8,u8@dash.example,Viewer,never_used',
    ]);
  });

  it('shows why an app with only social logins cannot be connected, and offers no Connect… there', async () => {
    const canva = page.locator('tr[data-app=canva]');
    await expectText(canva.getByTestId('reason'), 'only social logins');
    expect(await canva.getByRole('button', { name: 'Connect…' }).count()).toBe(0);
    await canva.getByRole('button', { name: 'View' }).click();
    await expectText(page.getByTestId('connect-refusal'), 'only social logins');
    expect(await page.getByTestId('connect-form').count()).toBe(0);
    // The API refuses it all the same (R7).
    const instanceId = await canva.getAttribute('data-instance');
    const tried = await api('POST', '/v1/connections', {
      instanceId,
      kind: 'provisioning',
      vendor: 'Canva SCIM',
      supportsLicenseTiers: false,
    });
    expect([tried.status, tried.body.error.code]).toEqual([409, 'NO_SSO_LOGIN_DATA']);
    await shot('3-refused-social-only');
  });

  it('disconnects, reconnects, disconnects, previews the delete, deletes, shows the rebuild and then the estimate on every day', async () => {
    await page.locator('tr[data-app=zoom]').getByRole('button', { name: 'View' }).click();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expectText(page.getByTestId('connection-status'), 'disconnected', true);
    await expectMarkers(page, 'disconnect', 1);
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await expectText(page.getByTestId('connection-status'), 'connected', true);
    await expectMarkers(page, 'reconnect', 1);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expectText(page.getByTestId('connection-status'), 'disconnected', true);
    await expectMarkers(page, 'disconnect', 2);

    await page.getByRole('button', { name: 'Delete…' }).click();
    const preview = page.getByTestId('delete-preview');
    await preview.waitFor();
    // Every day with connector data changes: 30 days of snapshots and the 10 awaiting the first sync keep their estimate.
    expect(Number((await preview.getByTestId('changed-days').textContent())!.split(' ')[0])).toBeGreaterThanOrEqual(30);
    await shot('4-delete-preview');

    const seen = recordRebuildStatus(page);
    await preview.getByRole('button', { name: 'Delete connection' }).click();
    await page.getByTestId('rebuild-progress').waitFor();
    await page.locator('[data-testid=rebuild-status][data-done]').waitFor({ timeout: 120_000 });
    await shot('5-rebuilt');
    // The page showed the rebuild under way (a percentage) before it showed it finished.
    expect((await seen()).some((text) => /^Rebuilding: \d+ %$/.test(text))).toBe(true);

    const bars = page.locator('[data-testid=chart] g.bar');
    await eventually(async () => {
      const sources = await bars.evaluateAll((all) => all.map((b) => b.getAttribute('data-source')));
      return sources.length === 90 && sources.every((s) => s === 'sso_estimate');
    });
    const view = (await api('GET', `/v1/instances/${zoomInstance}/provisioning?from=${ago(700).slice(0, 10)}`)).body;
    expect(view.days.every((d: { source: string }) => d.source === 'sso_estimate')).toBe(true);
    expect(await page.locator('tr[data-app=zoom] .badge').textContent()).toBe('not connected');
    // Connectable again: its row offers Connect….
    await eventually(
      async () => (await page.locator('tr[data-app=zoom]').getByRole('button', { name: 'Connect…' }).count()) === 1,
    );
  });

  it('attaches an Okta source to the SSO connection with its form, and shows it polling', async () => {
    const okta = await fakeOkta({ token: '00dashboardOKTAtoken-123456', pageSize: 2 });
    try {
      for (const [i, email] of ['u1@dash.example', 'u2@dash.example', 'u7@dash.example'].entries())
        okta.logins.push({ userId: `00u${i}`, email, appId: '0oaZOOM', appName: 'Zoom', published: ago(1 + i) });
      const row = page.getByTestId('sso-connections').locator('tr', { hasText: 'Okta prod' });
      await expectText(row, 'none');
      await row.getByRole('button', { name: 'Attach a source…' }).click();
      const form = page.getByTestId('source-form');
      await form.locator('select[name=platform]').selectOption('okta');
      await form.locator('input[name=orgUrl]').fill(okta.url);
      await form.locator('textarea[name=secret]').fill(okta.token);
      await form.getByRole('button', { name: 'Attach' }).click();
      await page.getByTestId('source-panel').getByRole('button', { name: 'Refresh' }).click();
      await eventually(async () => {
        await page.getByTestId('source-panel').getByRole('button', { name: 'Refresh' }).click();
        return (await page.getByTestId('source-events').textContent()) === '3';
      }, 20_000);
      await expectText(page.getByTestId('source-state-value'), 'polling');
      await expectText(row, 'okta · polling');
      // The secret was typed once: the page never shows it again.
      expect(await page.content()).not.toContain(okta.token);
      await shot('6-sso-source');
    } finally {
      await okta.close();
    }
  });

  it('makes a read key shown once, revokes it, keeps the last admin key, and shows the changes as activity', async () => {
    const call = gatewayCall(product.gateway.url);
    await page.getByRole('button', { name: 'Keys', exact: true }).click();
    const panel = page.getByTestId('keys-panel');
    await panel.locator('input[name=name]').fill('BI export');
    await panel.locator('select[name=scope]').selectOption('read');
    await panel.getByRole('button', { name: 'Make a key' }).click();
    const made = (await eventually(async () => (await page.getByTestId('new-key-value').textContent()) || null))!;
    expect(made).toMatch(/^pk_/);
    // The key reads, and changes nothing.
    expect((await call('GET', '/v1/tenant', made)).status).toBe(200);
    expect((await call('PATCH', '/v1/tenant', made, { name: 'Renamed' })).status).toBe(403);
    const row = page.getByTestId('keys').locator('tr', { hasText: 'BI export' });
    await expectText(row, 'read');
    await shot('7-keys');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expectText(row, 'revoked');
    expect((await call('GET', '/v1/tenant', made)).status).toBe(401);
    await page
      .getByTestId('keys')
      .locator('tr', { hasText: 'First key' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expectText(panel.locator('.message'), 'last admin key');

    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    const activity = page.getByTestId('activity');
    await eventually(async () => {
      await page.getByTestId('activity-panel').getByRole('button', { name: 'Refresh' }).click();
      return (await activity.textContent())?.includes('key revoked');
    });
    for (const change of ['key revoked', 'key created', 'sso source attached', 'connection deleted'])
      await expectText(activity, change);
    await shot('8-activity');
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string, exact = false) {
  await eventually(async () => {
    const shown = (await locator.textContent()) ?? '';
    return exact ? shown.trim() === text : shown.includes(text);
  }, 20_000);
}

/** The chart redraws after the status changes: waits for its `kind` markers to number `count`. */
async function expectMarkers(page: Page, kind: string, count: number) {
  await eventually(
    async () => (await page.locator(`[data-testid=chart] [data-marker=${kind}]`).count()) === count,
    20_000,
  );
}

/** Every text the rebuild status shows, from now on (watched in the page, so no change is missed between polls). */
function recordRebuildStatus(page: Page): () => Promise<string[]> {
  void page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { rebuildSeen: string[] }).rebuildSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=rebuild-status]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { rebuildSeen: string[] }).rebuildSeen);
}
