// The demo `npm start` seeds, at a smaller size, through the running product: what the
// dashboard will show on first start must really be there.
import { eventually, gatewayCall, type Product, startProduct } from '@org/testing';
import { seedDemo } from '@org/demo-data';

describe('the demo tenant', () => {
  let product: Product;

  beforeAll(async () => {
    product = await startProduct();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(product.all.map((s) => s.stop()));
  });

  it('has two SSO platforms, 40 applications, connections with history and seats to reclaim', async () => {
    const lines: string[] = [];
    const demo = await seedDemo({
      gatewayUrl: product.gateway.url,
      adminKey: process.env.ADMIN_API_KEY!,
      brokers: process.env.KAFKA_BROKERS!.split(','),
      topicPrefix: product.scope.topicPrefix,
      users: 300,
      progress: (line) => lines.push(line),
    });
    expect(lines.at(-1)).toMatch(/prices/);
    const api = (path: string) => gatewayCall(product.gateway.url)('GET', path, demo.apiKey).then((r) => r.body);

    expect((await api('/v1/sso-connections')).items.map((s: { platform: string }) => s.platform).sort()).toEqual([
      'entra',
      'okta',
    ]);
    type App = { appKey: string; instances: Array<{ instanceId: string; hasNonSocialLogins: boolean }> };
    const apps: App[] = (await api('/v1/applications')).items;
    expect(apps).toHaveLength(40);
    expect(apps.filter((a) => a.instances.length === 2).map((a) => a.appKey)).toEqual([
      'github',
      'salesforce',
      'slack',
    ]);
    const socialOnly = apps.filter((a) => a.instances.every((i) => !i.hasNonSocialLogins)).map((a) => a.appKey);
    expect(socialOnly.sort()).toEqual(['calendly', 'canva', 'grammarly', 'trello']);
    expect((await api('/v1/applications/canva/eligibility')).reason).toBe('NO_SSO_LOGIN_DATA');

    type Connection = {
      id: string;
      appKey: string;
      status: string;
      kind: string;
      periods: unknown[];
      instanceId: string;
    };
    const connections: Connection[] = (await api('/v1/connections')).items;
    const byApp = Object.fromEntries(connections.map((c) => [c.appKey, c]));
    expect(Object.fromEntries(connections.map((c) => [c.appKey, [c.status, c.periods.length]]))).toEqual({
      salesforce: ['connected', 1],
      slack: ['connected', 1],
      zoom: ['disconnected', 1],
      atlassian: ['connected', 2],
      dropbox: ['deleted', 1],
    });
    expect(byApp.slack.kind).toBe('engagement');

    // The views: Salesforce from its connector with tiers, Slack with active users from usage,
    // Dropbox rebuilt without its connector's data.
    const today = async (instanceId: string) =>
      (await api(`/v1/instances/${instanceId}/provisioning`)).days?.at(-1) ?? null;
    const salesforce = await eventually(async () => {
      const day = await today(byApp.salesforce.instanceId);
      return day?.source === 'connector' ? day : null;
    }, 60_000);
    expect(Object.keys(salesforce!.tiers).sort()).toEqual(['Enterprise', 'Platform', 'Viewer']);
    const slack = await eventually(async () => {
      const day = await today(byApp.slack.instanceId);
      return day?.source === 'connector' && day.activeUsers > 0 ? day : null;
    }, 60_000);
    expect(slack!.connectionKind).toBe('engagement');
    await eventually(async () => {
      const view = await api(`/v1/instances/${byApp.dropbox.instanceId}/provisioning?from=2026-01-01`);
      return view.rebuild?.status === 'idle' && view.days.every((d: { source: string }) => d.source === 'sso_estimate');
    }, 60_000);

    // Seats to reclaim, priced: people who stopped logging in, licences nobody uses (R16–R19).
    const salesforceWaste = await eventually(async () => {
      const report = await api(`/v1/instances/${byApp.salesforce.instanceId}/reclamation`);
      return report.source === 'connector' && report.seats.byReason.inactive > 0 ? report : null;
    }, 60_000);
    expect(salesforceWaste.seats.byReason.never_used).toBeGreaterThan(0);
    expect(salesforceWaste.monthlyWaste).toBeGreaterThan(0);
    expect(salesforceWaste.currency).toBe('USD');
    const summary = await api('/v1/reclamation');
    expect(summary.items[0].monthlyWaste).toBeGreaterThan(0);
    expect(summary.totals.map((t: { currency: string }) => t.currency).sort()).toEqual(['EUR', 'USD']);
  });
});
