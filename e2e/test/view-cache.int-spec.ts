// The gateway's view cache (apps/gateway/src/view-cache): a repeated read is answered from
// the cache, a change of the view reaches readers through resolver.views.v1 (the time to live
// is set far beyond the test, so only the invalidation can make it pass), and a cached answer
// never reaches another tenant.
import { connectorEventKey, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin, aSnapshotPage } from '@org/contracts/testing';
import { eventually, gatewayCall, produce, type ServiceProcess, startProduct } from '@org/testing';

describe('the gateway view cache', () => {
  let running: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    const product = await startProduct({ gatewayEnv: { GATEWAY_VIEW_CACHE_TTL_MS: '600000' } });
    gateway = product.gateway;
    running = product.all;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
  });

  const read = (path: string, key: string) =>
    fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(async (res) => ({
      status: res.status,
      cache: res.headers.get('x-cache'),
      body: await res.json(),
    }));

  it('answers repeated reads from the cache and drops them when the view changes', async () => {
    const admin = gatewayCall(gateway.url);
    const tenant = (await admin('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Cached' })).body;
    const other = (await admin('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Other' })).body;
    const api = (method: string, path: string, body?: unknown) => admin(method, path, tenant.apiKey, body);
    const sso = (await api('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta' })).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'miro-1', appKey: 'miro', appName: 'Miro' };
    const logins = ['u1', 'u2'].map((userId) =>
      aLogin({ tenantId: tenant.tenantId, data: { ...app, userId, method: 'sso', at: new Date().toISOString() } }),
    );
    await produce(
      TOPICS.ssoEvents,
      logins.map((e) => ({ key: ssoEventKey(tenant.tenantId, sso.id, 'miro-1'), value: e })),
    );
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications')).body.items[0]?.instances[0]?.instanceId,
    );
    const path = `/v1/instances/${instanceId}/provisioning`;
    const estimated = await eventually(async () => {
      const res = await read(path, tenant.apiKey);
      // Both facts in: the estimate (two users) and the SSO activity (two active today).
      const today = res.body.days?.at(-1);
      return today?.provisionedUsers === 2 && today.activeUsers === 2 ? res : undefined;
    });
    expect(estimated!.body.days.at(-1).source).toBe('sso_estimate');
    const again = await eventually(async () => {
      const res = await read(path, tenant.apiKey);
      return res.cache === 'hit' ? res : undefined;
    });
    expect(again!.body).toEqual(estimated!.body);

    // Another tenant asking for the same URL gets the answer for itself: not found.
    const foreign = await read(path, other.apiKey);
    expect([foreign.status, foreign.cache, foreign.body.error.code]).toEqual([404, null, 'NOT_FOUND']);

    // Connected with a snapshot of three users: the next reads show it, long before the time to live.
    const connection = (
      await api('POST', '/v1/connections', {
        instanceId,
        kind: 'provisioning',
        vendor: 'SCIM',
        supportsLicenseTiers: false,
        effectiveAt: new Date(Date.now() - 60_000).toISOString(),
      })
    ).body;
    const snapshot = aSnapshotPage({
      tenantId: tenant.tenantId,
      data: {
        connectionId: connection.id,
        users: ['u1', 'u2', 'u3'].map((u) => ({ userId: u, email: `${u}@x.test`, tier: null, status: 'active' })),
      },
    });
    await produce(TOPICS.connectorSnapshots, [
      { key: connectorEventKey(tenant.tenantId, connection.id), value: snapshot },
    ]);
    const connected = await eventually(async () => {
      const res = await read(path, tenant.apiKey);
      return res.body.days.at(-1).source === 'connector' ? res : undefined;
    }, 30_000);
    expect(connected!.body.days.at(-1)).toMatchObject({ provisionedUsers: 3, connectionId: connection.id });
  });
});
