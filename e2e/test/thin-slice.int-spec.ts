// The walking skeleton end to end, each service in its own process as `npm start` runs it:
// admin key → tenant and key → SSO connection → sso.login events over Kafka → sso-ingest →
// sso.instances.v1 → connector-registry → GET /v1/applications through the gateway.
import { dlqTopicOf, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import {
  eventually,
  produce,
  readTopic,
  type ServiceProcess,
  startProduct,
  untilConsumed,
  gatewayCall,
} from '@org/testing';
import { randomUUID } from 'node:crypto';

describe('the thin slice through every service', () => {
  const running: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    const product = await startProduct();
    gateway = product.gateway;
    running.push(...product.all);
  }, 180_000);

  afterAll(async () => {
    const codes = await Promise.all(running.map((s) => s.stop()));
    // SIGTERM is a clean shutdown: consumers leave their groups and the process exits 0.
    expect(codes).toEqual(running.map(() => 0));
  });

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(gateway.url)(method, path, key, body);

  it('answers /healthz and /readyz on every service', async () => {
    for (const s of running) {
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true, consumers: true } });
    }
  });

  it('shows an application and its instance after logins arrive over Kafka', async () => {
    expect((await api('POST', '/v1/tenants', undefined, { name: 'Acme' })).status).toBe(401);
    const tenant = await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, {
      name: 'Acme',
      timeZone: 'Europe/Paris',
    });
    expect(tenant.status).toBe(201);
    const { tenantId, apiKey } = tenant.body;
    expect(apiKey).toMatch(/^pk_/);
    expect((await api('GET', '/v1/tenant', apiKey)).body).toEqual({
      tenantId,
      name: 'Acme',
      timeZone: 'Europe/Paris',
      estimateWindowDays: 120,
      inactiveAfterDays: 60,
    });

    const sso = await api('POST', '/v1/sso-connections', apiKey, { platform: 'okta', name: 'Okta prod' });
    expect(sso.status).toBe(201);

    const salesforce = {
      ssoConnectionId: sso.body.id,
      ssoAppId: 'sf-prod',
      appKey: 'salesforce',
      appName: 'Salesforce',
    };
    const logins = [
      aLogin({ tenantId, data: { ...salesforce, method: 'sso', at: '2026-11-01T09:00:00Z' } }),
      aLogin({ tenantId, data: { ...salesforce, userId: 'u2', method: 'sso', at: '2026-11-02T09:00:00Z' } }),
      aLogin({
        tenantId,
        data: {
          ssoConnectionId: sso.body.id,
          ssoAppId: 'canva-1',
          appKey: 'canva',
          appName: 'Canva',
          method: 'social',
        },
      }),
    ];
    await produce(
      TOPICS.ssoEvents,
      logins.map((e) => ({ key: ssoEventKey(tenantId, e.data.ssoConnectionId, e.data.ssoAppId), value: e })),
    );

    const apps = await eventually(async () => {
      const res = await api('GET', '/v1/applications', apiKey);
      return res.body.items.length === 2 ? res.body : null;
    });
    expect(apps).toEqual({
      items: [
        {
          appKey: 'canva',
          appName: 'Canva',
          instances: [expect.objectContaining({ ssoAppId: 'canva-1', hasNonSocialLogins: false, connection: null })],
        },
        {
          appKey: 'salesforce',
          appName: 'Salesforce',
          instances: [
            {
              instanceId: expect.any(String),
              ssoConnectionId: sso.body.id,
              ssoAppId: 'sf-prod',
              hasNonSocialLogins: true,
              lastLoginAt: '2026-11-02T09:00:00.000Z',
              connection: null,
            },
          ],
        },
      ],
    });

    // Connecting the Salesforce instance through the gateway: refused for Canva (social logins only).
    const salesforceInstance = apps.items[1].instances[0].instanceId;
    const canvaInstance = apps.items[0].instances[0].instanceId;
    const refused = await api('POST', '/v1/connections', apiKey, {
      instanceId: canvaInstance,
      kind: 'provisioning',
      vendor: 'canva',
      supportsLicenseTiers: false,
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'NO_SSO_LOGIN_DATA']);
    expect((await api('GET', '/v1/applications/canva/eligibility', apiKey)).body.reason).toBe('NO_SSO_LOGIN_DATA');
    const connected = await api('POST', '/v1/connections', apiKey, {
      instanceId: salesforceInstance,
      kind: 'provisioning',
      vendor: 'salesforce',
      supportsLicenseTiers: true,
    });
    expect(connected.status).toBe(201);
    expect((await api('GET', '/v1/applications', apiKey)).body.items[1].instances[0].connection).toMatchObject({
      id: connected.body.id,
      status: 'connected',
    });
    // registry → outbox → registry.connections.v1 → sso-ingest: the SSO connection is now in use.
    await readTopic(TOPICS.registryConnections, (m) => m.some((x) => x.value?.includes(connected.body.id)));
    await untilConsumed(`sso-ingest.${TOPICS.registryConnections}`, TOPICS.registryConnections);
    const inUse = await api('DELETE', `/v1/sso-connections/${sso.body.id}`, apiKey);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('SSO_CONNECTION_IN_USE');
    const disconnected = await api('POST', `/v1/connections/${connected.body.id}/disconnect`, apiKey, {});
    expect(disconnected.body.status).toBe('disconnected');
    expect((await api('DELETE', `/v1/connections/${connected.body.id}`, apiKey)).status).toBe(202);
    await eventually(async () => (await api('DELETE', `/v1/sso-connections/${sso.body.id}`, apiKey)).status === 204);
    await eventually(async () => (await api('GET', '/v1/applications', apiKey)).body.items.length === 0);

    // A tenant sees only its own data.
    const other = await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Other' });
    expect((await api('GET', '/v1/applications', other.body.apiKey)).body).toEqual({ items: [] });
    expect((await api('GET', `/v1/connections/${connected.body.id}`, other.body.apiKey)).status).toBe(404);
    expect((await api('GET', '/v1/applications', 'pk_wrong')).status).toBe(401);
  });

  it('sends a malformed message to sso.events.v1.dlq and goes on', async () => {
    const marker = randomUUID();
    await produce(TOPICS.ssoEvents, [{ key: 'k', value: `{"broken": "${marker}"` }]);
    const dlq = await readTopic(dlqTopicOf(TOPICS.ssoEvents), (m) => m.some((x) => x.value?.includes(marker)));
    const entry = dlq.find((x) => x.value?.includes(marker))!;
    expect(entry.headers['x-error-code']).toBe('INVALID_PAYLOAD');
    expect(JSON.parse(entry.value!)).toMatchObject({
      error: { code: 'INVALID_PAYLOAD' },
      value: `{"broken": "${marker}"`,
    });

    // Still consuming: a valid login after the bad one is applied.
    const tenant = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'After' })).body;
    const sso = (await api('POST', '/v1/sso-connections', tenant.apiKey, { platform: 'entra', name: 'Entra' })).body;
    const login = aLogin({
      tenantId: tenant.tenantId,
      data: { ssoConnectionId: sso.id, appKey: 'zoom', appName: 'Zoom' },
    });
    await produce(TOPICS.ssoEvents, [{ key: ssoEventKey(tenant.tenantId, sso.id, login.data.ssoAppId), value: login }]);
    await eventually(
      async () => (await api('GET', '/v1/applications', tenant.apiKey)).body.items[0]?.appKey === 'zoom',
    );
  });

  it('answers bad input with the error body, never a 500', async () => {
    const key = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Bad input' })).body.apiKey;
    const cases = [
      await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: '' }),
      await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'x', timeZone: 'Mars/Base' }),
      await api('POST', '/v1/tenants', key, { name: 'not admin' }),
      await api('PATCH', '/v1/tenant', key, { estimateWindowDays: 0 }),
      await api('POST', '/v1/sso-connections', key, { platform: 42 }),
      await api('GET', '/v1/unknown', key),
      await api('DELETE', '/v1/sso-connections/123', key),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 401, 400, 400, 404, 404]);
    for (const c of cases) {
      expect(Object.keys(c.body)).toEqual(['error']);
      expect(c.body.error).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        details: c.body.error.details,
      });
      expect(c.body.error).toHaveProperty('details');
    }
  });
});
