// License reclamation (R16–R20) end to end, each service in its own process: logins over
// sso.events.v1 → sso-ingest → sso.user-activity.v1 → resolver; a connection and its snapshots;
// settings and the report through the gateway, as JSON and as CSV.
import { connectorEventKey, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin, anAssignmentPage, aSnapshotPage } from '@org/contracts/testing';
import { eventually, gatewayCall, produce, type ServiceProcess, startProduct } from '@org/testing';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const dayAgo = (days: number) => ago(days).slice(0, 10);

describe('license reclamation through the gateway', () => {
  const running: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  beforeAll(async () => {
    const product = await startProduct();
    gateway = product.gateway;
    running.push(...product.all);
  }, 180_000);
  afterAll(() => Promise.all(running.map((s) => s.stop())));

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(gateway.url)(method, path, key, body);

  it('reports reclaimable seats with reasons and waste, follows logins and settings, and streams them as CSV', async () => {
    const { tenantId, apiKey } = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Reclaim' }))
      .body;
    expect((await api('GET', '/v1/tenant', apiKey)).body.inactiveAfterDays).toBe(60);
    const sso = (await api('POST', '/v1/sso-connections', apiKey, { platform: 'okta', name: 'Okta' })).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'sf', appKey: 'salesforce', appName: 'Salesforce' };
    const key = ssoEventKey(tenantId, sso.id, 'sf');
    const login = (userId: string, at: string) =>
      aLogin({ tenantId, data: { ...app, userId, email: `${userId}@acme.test`, method: 'sso', at } });
    const bobLastAt = ago(100);
    await produce(
      TOPICS.ssoEvents,
      [login('ann', ago(5)), login('bob', bobLastAt), login('bob', ago(120))].map((value) => ({ key, value })),
    );
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications', apiKey)).body.items[0]?.instances[0]?.instanceId,
    );

    // Before any connection, today's seats are the SSO estimate: logins in the last 120 days.
    const estimated = await eventually(async () => {
      const r = await api('GET', `/v1/instances/${instanceId}/reclamation`, apiKey);
      return r.status === 200 && r.body.seats.provisioned === 2 ? r.body : null;
    });
    expect(estimated).toMatchObject({ source: 'sso_estimate', seats: { active: 1, reclaimable: 1 } });
    expect(estimated.items).toEqual([
      expect.objectContaining({ userId: 'bob', reason: 'inactive', tier: null, daysInactive: 100 }),
    ]);

    const connection = (
      await api('POST', '/v1/connections', apiKey, {
        instanceId,
        kind: 'provisioning',
        vendor: 'salesforce',
        supportsLicenseTiers: true,
        effectiveAt: ago(200),
      })
    ).body;
    const snapshot = (daysAgo: number, users: Array<[string, string | null, string?]>) => ({
      key: connectorEventKey(tenantId, connection.id),
      value: aSnapshotPage({
        tenantId,
        data: {
          connectionId: connection.id,
          asOf: ago(daysAgo),
          users: users.map(([userId, tier, status = 'active']) => ({
            userId: `sf-${userId}`,
            // R17: the app's e-mails match the SSO platform's whatever their case.
            email: `${userId.toUpperCase()}@Acme.test`,
            tier,
            status: status as 'active',
          })),
        },
      }),
    });
    const bobTier = 'Pro "Annual", EU'; // quoted in the CSV
    await produce(TOPICS.connectorSnapshots, [
      snapshot(150, [
        ['ann', 'Pro'],
        ['bob', bobTier],
        ['cid', 'Viewer'],
        ['dan', 'Pro', 'suspended'],
      ]),
      snapshot(10, [
        ['ann', 'Pro'],
        ['bob', bobTier],
        ['cid', 'Viewer'],
        ['dan', 'Pro', 'suspended'],
        ['fay', 'Pro'],
      ]),
    ]);
    const settings = {
      currency: 'EUR',
      defaultMonthlyPrice: 2.5,
      tierMonthlyPrices: { [bobTier]: 30, Pro: 10 },
      exemptEmails: [],
      inactiveAfterDays: null,
    };
    expect((await api('PUT', `/v1/instances/${instanceId}/reclamation-settings`, apiKey, settings)).body).toEqual(
      settings,
    );

    const report = await eventually(async () => {
      const r = await api('GET', `/v1/instances/${instanceId}/reclamation`, apiKey);
      return r.body.source === 'connector' && r.body.seats.provisioned === 4 ? r.body : null;
    });
    // ann active; bob inactive (100 days); cid never used (150 days a seat); fay new (grace); dan suspended (no seat).
    expect(report).toEqual({
      instanceId,
      asOf: dayAgo(0),
      source: 'connector',
      inactiveAfterDays: 60,
      currency: 'EUR',
      seats: { provisioned: 4, active: 1, reclaimable: 2, byReason: { orphaned: 0, never_used: 1, inactive: 1 } },
      byTier: [
        { tier: bobTier, provisioned: 1, reclaimable: 1, monthlyPrice: 30, monthlyWaste: 30 },
        { tier: 'Viewer', provisioned: 1, reclaimable: 1, monthlyPrice: 2.5, monthlyWaste: 2.5 },
        { tier: 'Pro', provisioned: 2, reclaimable: 0, monthlyPrice: 10, monthlyWaste: 0 },
      ],
      monthlyWaste: 32.5,
      unpricedSeats: 0,
      items: [
        {
          userId: 'sf-bob',
          email: 'BOB@Acme.test',
          tier: bobTier,
          reason: 'inactive',
          lastActiveAt: new Date(bobLastAt).toISOString(),
          provisionedSince: dayAgo(150),
          daysInactive: 100,
        },
        {
          userId: 'sf-cid',
          email: 'CID@Acme.test',
          tier: 'Viewer',
          reason: 'never_used',
          lastActiveAt: null,
          provisionedSince: dayAgo(150),
          daysInactive: null,
        },
      ],
      nextCursor: null,
    });
    expect((await api('GET', `/v1/instances/${instanceId}/reclamation-settings`, apiKey)).body).toEqual(settings);

    // Pages by user id, filtered by reason.
    const first = (await api('GET', `/v1/instances/${instanceId}/reclamation?limit=1`, apiKey)).body;
    expect([first.items.map((i: { userId: string }) => i.userId), first.seats.reclaimable]).toEqual([['sf-bob'], 2]);
    const second = (
      await api('GET', `/v1/instances/${instanceId}/reclamation?limit=1&cursor=${first.nextCursor}`, apiKey)
    ).body;
    expect([second.items.map((i: { userId: string }) => i.userId), second.nextCursor]).toEqual([['sf-cid'], null]);
    const neverUsed = (await api('GET', `/v1/instances/${instanceId}/reclamation?reason=never_used`, apiKey)).body;
    expect(neverUsed.items.map((i: { userId: string }) => i.userId)).toEqual(['sf-cid']);

    // CSV: every reclaimable seat, RFC 4180 quoting by the library.
    const csv = await fetch(`${gateway.url}/v1/instances/${instanceId}/reclamation`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/csv' },
    });
    expect([csv.status, csv.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8']);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('userId,email,tier,reason,lastActiveAt,provisionedSince,daysInactive');
    expect(lines[1]).toBe(`sf-bob,BOB@Acme.test,"Pro ""Annual"", EU",inactive,${bobLastAt},${dayAgo(150)},100`);
    expect(lines[2]).toBe(`sf-cid,CID@Acme.test,Viewer,never_used,,${dayAgo(150)},`);
    expect(lines).toHaveLength(3);

    // The tenant summary ranks instances by waste, totals per currency.
    expect((await api('GET', '/v1/reclamation', apiKey)).body).toEqual({
      totals: [{ currency: 'EUR', monthlyWaste: 32.5, reclaimable: 2, unpricedSeats: 0 }],
      items: [
        {
          instanceId,
          appKey: 'salesforce',
          appName: 'Salesforce',
          provisioned: 4,
          reclaimable: 2,
          currency: 'EUR',
          monthlyWaste: 32.5,
        },
      ],
    });

    // R20: a login of bob now, an exemption for cid: within seconds, nothing is reclaimable.
    await produce(TOPICS.ssoEvents, [{ key, value: login('bob', ago(0)) }]);
    await api('PUT', `/v1/instances/${instanceId}/reclamation-settings`, apiKey, {
      ...settings,
      exemptEmails: ['Cid@ACME.test'],
    });
    const after = await eventually(async () => {
      const r = (await api('GET', `/v1/instances/${instanceId}/reclamation`, apiKey)).body;
      return r.seats.reclaimable === 0 ? r : null;
    });
    expect(after.seats).toEqual({
      provisioned: 4,
      active: 2,
      reclaimable: 0,
      byReason: { orphaned: 0, never_used: 0, inactive: 0 },
    });
    expect(after.monthlyWaste).toBe(0);

    // Another tenant's instance answers 404; bad settings answer 400.
    const other = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Other' })).body.apiKey;
    expect((await api('GET', `/v1/instances/${instanceId}/reclamation`, other)).status).toBe(404);
    expect((await api('GET', `/v1/instances/${instanceId}/reclamation-settings`, other)).status).toBe(404);
    expect((await api('PUT', `/v1/instances/${instanceId}/reclamation-settings`, other, settings)).status).toBe(404);
    expect((await api('GET', '/v1/reclamation', other)).body).toEqual({ totals: [], items: [] });
    for (const bad of [
      { ...settings, currency: 'eur' },
      { ...settings, currency: 'ABC' },
      { ...settings, defaultMonthlyPrice: -1 },
      { ...settings, inactiveAfterDays: 0 },
      { ...settings, tierMonthlyPrices: { Pro: 'ten' } },
      { ...settings, surprise: true },
    ]) {
      const r = await api('PUT', `/v1/instances/${instanceId}/reclamation-settings`, apiKey, bad);
      expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const badQuery = await api('GET', `/v1/instances/${instanceId}/reclamation?reason=lazy`, apiKey);
    expect(badQuery.status).toBe(400);
  });

  it("follows the tenant's inactivity default, and an assignment list's absentees are orphaned", async () => {
    const { tenantId, apiKey } = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Lists' })).body;
    const sso = (await api('POST', '/v1/sso-connections', apiKey, { platform: 'entra', name: 'Entra' })).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'zoom', appKey: 'zoom', appName: 'Zoom' };
    const key = ssoEventKey(tenantId, sso.id, 'zoom');
    const login = (userId: string, daysAgo: number) =>
      aLogin({ tenantId, data: { ...app, userId, email: `${userId}@acme.test`, method: 'sso', at: ago(daysAgo) } });
    await produce(
      TOPICS.ssoEvents,
      [login('ann', 90), login('bob', 2)].map((value) => ({ key, value })),
    );
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications', apiKey)).body.items[0]?.instances[0]?.instanceId,
    );
    const inactive = async (expected: number) =>
      eventually(async () => {
        const r = (await api('GET', `/v1/instances/${instanceId}/reclamation`, apiKey)).body;
        return r.seats?.provisioned === 2 && r.seats.byReason.inactive === expected ? r : null;
      });
    await inactive(1);
    expect((await api('PATCH', '/v1/tenant', apiKey, { inactiveAfterDays: 100 })).body.inactiveAfterDays).toBe(100);
    expect((await inactive(0)).inactiveAfterDays).toBe(100);

    // A complete assignment list without bob: an estimate instance never orphans (only connector seats can be).
    const connection = (
      await api('POST', '/v1/connections', apiKey, {
        instanceId,
        kind: 'provisioning',
        vendor: 'zoom',
        supportsLicenseTiers: false,
        effectiveAt: ago(30),
      })
    ).body;
    const list = anAssignmentPage({
      tenantId,
      data: {
        ...app,
        asOf: ago(20),
        syncId: 's1',
        page: 1,
        pageCount: 1,
        users: [{ userId: 'ann', email: 'ann@acme.test' }],
      },
    });
    await produce(TOPICS.ssoEvents, [{ key, value: list }]);
    await produce(TOPICS.connectorSnapshots, [
      {
        key: connectorEventKey(tenantId, connection.id),
        value: aSnapshotPage({
          tenantId,
          data: {
            connectionId: connection.id,
            asOf: ago(1),
            users: ['ann', 'bob'].map((u) => ({
              userId: u,
              email: `${u}@acme.test`,
              tier: null,
              status: 'active' as const,
            })),
          },
        }),
      },
    ]);
    const orphaned = await eventually(async () => {
      const r = (await api('GET', `/v1/instances/${instanceId}/reclamation`, apiKey)).body;
      return r.source === 'connector' && r.seats.byReason.orphaned === 1 ? r : null;
    });
    expect(orphaned.items).toEqual([expect.objectContaining({ userId: 'bob', reason: 'orphaned', daysInactive: 2 })]);
  });
});
