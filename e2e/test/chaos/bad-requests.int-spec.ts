// Reliability (issue 8): generated bad REST requests (fast-check) never get a 5xx and every
// error answer is the SPEC's error body; another tenant's ids answer 404 to every call;
// calls that skip the gateway get 401 whatever tenant they claim.
import { ERROR_CODES, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { eventually, gatewayCall, produce, type ServiceProcess, startProduct } from '@org/testing';
import fc from 'fast-check';
import { FULL } from './chaos';

const REQUESTS = FULL ? 10_000 : 1_000;

describe('chaos: bad requests', () => {
  let running: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  const ids = { instance: '', connection: '', otherInstance: '', otherConnection: '' };
  const keys = { mine: '', other: '' };

  beforeAll(async () => {
    const product = await startProduct();
    gateway = product.gateway;
    running = product.all;
    // Two tenants, each with an instance and a disconnected connection.
    for (const who of ['mine', 'other'] as const) {
      const api = gatewayCall(gateway.url);
      const tenant = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: `t-${who}` })).body;
      keys[who] = tenant.apiKey;
      const sso = (await api('POST', '/v1/sso-connections', tenant.apiKey, { platform: 'okta', name: 'Okta' })).body;
      const login = aLogin({
        tenantId: tenant.tenantId,
        data: { ssoConnectionId: sso.id, ssoAppId: 'app-1', appKey: 'wiki', appName: 'Wiki', method: 'sso' },
      });
      await produce(TOPICS.ssoEvents, [{ key: ssoEventKey(tenant.tenantId, sso.id, 'app-1'), value: login }]);
      const instance = await eventually(
        async () => (await api('GET', '/v1/applications', tenant.apiKey)).body.items[0]?.instances[0]?.instanceId,
      );
      const connection = (
        await api('POST', '/v1/connections', tenant.apiKey, {
          instanceId: instance,
          kind: 'provisioning',
          vendor: 'v',
          supportsLicenseTiers: false,
        })
      ).body;
      await api('POST', `/v1/connections/${connection.id}/disconnect`, tenant.apiKey, {});
      if (who === 'mine') Object.assign(ids, { instance, connection: connection.id });
      else Object.assign(ids, { otherInstance: instance, otherConnection: connection.id });
    }
  }, 180_000);
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
  });

  it(`${REQUESTS} generated bad requests: no 5xx, every error in the error body`, async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '',
        '..',
        '%00',
        '%E0%A4%A',
        "' or 1=1 --",
        '😀',
        'a'.repeat(3000),
        '00000000-0000-0000-0000-000000000000',
      ),
      fc.uuid(),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom(ids.instance, ids.connection, ids.otherInstance, ids.otherConnection),
    );
    const path = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('instances', 'connections', 'applications', 'sso-connections', 'tenant', 'tenants', 'nope'),
          segment,
          fc.constantFrom(
            '',
            '/provisioning',
            '/provisioning/2026-13-45/users',
            '/estimate-accuracy',
            '/delete-preview',
            '/disconnect',
            '/reconnect',
            '/eligibility',
          ),
        )
        .map(([a, b, c]) => `/v1/${a}/${b}${c}`),
      fc.constantFrom('/v1/connections', '/v1/tenants', '/v1/tenant', '/v1/sso-connections', '/v1/applications'),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc
        .dictionary(
          fc.constantFrom('from', 'to', 'limit', 'cursor', 'effectiveAt', 'x'),
          fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('2026-02-30', '-1', '1e9', '9999-12-31', 'null')),
        )
        .map((d) => `?${new URLSearchParams(d)}`),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            instanceId: segment,
            kind: fc.string(),
            vendor: fc.oneof(fc.string(), fc.integer()),
            supportsLicenseTiers: fc.anything(),
            effectiveAt: fc.oneof(
              fc.string(),
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
            ),
            name: fc.string(),
            timeZone: fc.string(),
            estimateWindowDays: fc.oneof(fc.integer(), fc.double()),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '\u0000'),
    );
    const auth = fc.constantFrom<string | undefined>(
      undefined,
      'Bearer',
      'Bearer wrong',
      'Basic abc',
      `Bearer ${process.env.ADMIN_API_KEY}`,
      'mine',
      'other',
    );
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
        path,
        query,
        body,
        auth,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (method, p, q, b, a, type) => {
          const authorization = a === 'mine' ? `Bearer ${keys.mine}` : a === 'other' ? `Bearer ${keys.other}` : a;
          const res = await fetch(`${gateway.url}${p}${q}`, {
            method,
            headers: {
              ...(authorization ? { authorization } : {}),
              ...(b !== undefined ? { 'content-type': type } : {}),
            },
            body: method === 'GET' || method === 'DELETE' ? undefined : b,
          });
          const text = await res.text();
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          if (res.status >= 500) throw new Error(`${method} ${p}${q} → ${res.status} ${text.slice(0, 300)}`);
          if (res.status >= 400) {
            const error = JSON.parse(text).error;
            if (!error || typeof error.message !== 'string' || !(error.code in ERROR_CODES))
              throw new Error(`${method} ${p}${q} → ${res.status} without the error body: ${text.slice(0, 300)}`);
          }
          // My key never reaches the other tenant's instances or connections. (As an app key,
          // /v1/applications/<id>/eligibility, an id is just a name unknown to my tenant.)
          const theirs = new RegExp(`^/v1/(instances|connections)/(${ids.otherInstance}|${ids.otherConnection})`);
          if (a === 'mine' && res.status < 300 && theirs.test(p))
            throw new Error(`${method} ${p} with another tenant's id answered ${res.status}`);
        },
      ),
      { numRuns: REQUESTS },
    );
    expect([...seen.keys()].every((s) => s < 500)).toBe(true);
  }, 600_000);

  it("answers 404 to every call on another tenant's ids", async () => {
    const api = (method: string, path: string, body?: unknown) =>
      gatewayCall(gateway.url)(method, path, keys.mine, body);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/v1/instances/${ids.otherInstance}/provisioning`],
      ['GET', `/v1/instances/${ids.otherInstance}/provisioning/2026-11-01/users`],
      ['GET', `/v1/instances/${ids.otherInstance}/estimate-accuracy`],
      ['GET', `/v1/connections/${ids.otherConnection}`],
      ['GET', `/v1/connections/${ids.otherConnection}/delete-preview`],
      ['POST', `/v1/connections/${ids.otherConnection}/reconnect`, {}],
      ['POST', `/v1/connections/${ids.otherConnection}/disconnect`, {}],
      ['DELETE', `/v1/connections/${ids.otherConnection}`],
      [
        'POST',
        '/v1/connections',
        { instanceId: ids.otherInstance, kind: 'provisioning', vendor: 'v', supportsLicenseTiers: false },
      ],
    ];
    // The generated requests above may have changed it with its own tenant's key: compare with now.
    const theirs = () => gatewayCall(gateway.url)('GET', `/v1/connections/${ids.otherConnection}`, keys.other);
    const before = await theirs();
    expect(before.status).toBe(200);
    for (const [method, path, body] of calls) {
      const res = await api(method, path, body);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
    // …and the other tenant's connection is untouched.
    expect((await theirs()).body).toEqual(before.body);
  });

  it('answers 401 to calls that skip the gateway, whatever tenant they claim', async () => {
    for (const service of running.filter((s) => s.name !== 'gateway')) {
      for (const headers of [
        {} as Record<string, string>,
        { 'x-tenant-id': 'anyone' },
        { 'x-tenant-id': 'anyone', 'x-internal-token': 'guess' },
      ]) {
        const own: Record<string, string[]> = {
          'sso-ingest': ['/v1/sso-connections'],
          'connector-registry': ['/v1/applications', '/v1/connections'],
          'provisioning-resolver': [`/v1/instances/${ids.instance}/provisioning`],
        };
        for (const path of own[service.name]) {
          const res = await fetch(`${service.url}${path}`, { headers });
          expect([service.name, path, res.status]).toEqual([service.name, path, 401]);
          expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
        }
      }
    }
  });
});
