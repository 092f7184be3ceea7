import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { tenantChangedSchema, TOPICS } from '@org/contracts';
import { freePort, readTopic, startTestService } from '@org/testing';
import { AppModule } from '../src/app.module';
import { loadGatewayConfig } from '../src/config';

describe('gateway: tenants, keys and routing', () => {
  let app: INestApplication;
  let url: string;
  const admin = process.env.ADMIN_API_KEY!;

  beforeAll(async () => {
    // Nothing listens behind the gateway here: forwarded calls must answer 503, not 500.
    const dead = `http://127.0.0.1:${await freePort()}`;
    const config = loadGatewayConfig({
      ...process.env,
      SSO_INGEST_URL: dead,
      CONNECTOR_REGISTRY_URL: dead,
      PROVISIONING_RESOLVER_URL: dead,
    });
    ({ app, url } = await startTestService(AppModule.forRoot(config)));
  });
  afterAll(() => app?.close());

  const api = async (method: string, path: string, key?: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };

  it('makes a tenant with the admin key, and keeps only the hash of its key', async () => {
    const created = await api('POST', '/v1/tenants', admin, { name: 'Globex', estimateWindowDays: 90 });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['apiKey', 'tenantId']);
    const stored = await query<{ key_hash: string }>(
      app.get<MikroORM>(MikroORM).em.fork(),
      'select key_hash from api_key where tenant_id = ?',
      [created.body.tenantId],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].key_hash).not.toContain(created.body.apiKey);
    expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);

    const key = created.body.apiKey;
    expect((await api('GET', '/v1/tenant', key)).body).toEqual({
      tenantId: created.body.tenantId,
      name: 'Globex',
      timeZone: 'UTC',
      estimateWindowDays: 90,
      inactiveAfterDays: 60,
    });
    const patched = await api('PATCH', '/v1/tenant', key, { timeZone: 'America/New_York', inactiveAfterDays: 30 });
    expect(patched.body).toMatchObject({ timeZone: 'America/New_York', estimateWindowDays: 90, inactiveAfterDays: 30 });
    expect((await api('PATCH', '/v1/tenant', key, { inactiveAfterDays: 3651 })).status).toBe(400);

    // The services that derive days and estimates learn the change from tenants.v1 (outbox).
    const events = await readTopic(TOPICS.tenants, (m) =>
      m.some((x) => x.key === created.body.tenantId && x.value!.includes('America/New_York')),
    );
    const latest = events
      .filter((m) => m.key === created.body.tenantId)
      .map((m) => tenantChangedSchema.parse(JSON.parse(m.value!)));
    expect(latest.map((e) => [e.data.timeZone, e.data.inactiveAfterDays])).toEqual([
      ['UTC', 60],
      ['America/New_York', 30],
    ]);
  });

  it('keeps the admin key and tenant keys apart', async () => {
    const key = (await api('POST', '/v1/tenants', admin, { name: 'Initech' })).body.apiKey;
    expect((await api('POST', '/v1/tenants', key, { name: 'x' })).status).toBe(401);
    expect((await api('GET', '/v1/tenant', admin)).status).toBe(401);
    expect((await api('GET', '/v1/tenant')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api('GET', '/v1/tenant', `${key}x`)).status).toBe(401);
  });

  it('answers 400 naming the field, and 503 in the error format when a service is down', async () => {
    const bad = await api('POST', '/v1/tenants', admin, { name: 'x', estimateWindowDays: 'many', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      '(body)',
      'estimateWindowDays',
    ]);

    const key = (await api('POST', '/v1/tenants', admin, { name: 'Hooli' })).body.apiKey;
    const down = await api('GET', '/v1/applications', key);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('serves the OpenAPI document and its page without a key', async () => {
    const doc = await api('GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(doc.body.paths)).toContain('/v1/instances/{id}/provisioning');
    // At /docs itself: the document for a client, the page for a browser.
    const atDocs = await fetch(`${url}/docs`);
    expect(atDocs.headers.get('content-type')).toContain('application/json');
    expect(await atDocs.json()).toEqual(doc.body);
    const page = await fetch(`${url}/docs`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/docs/openapi.json');
    expect((await fetch(`${url}/docs/ui/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await api('GET', '/docs/ui/..%2Fpackage.json')).status).toBe(404);
  });

  it('serves the AsyncAPI document of the Kafka contract without a key', async () => {
    const res = await api('GET', '/docs/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ asyncapi: '3.0.0', defaultContentType: 'application/json' });
    expect(Object.values(res.body.channels).map((c) => (c as { address: string }).address)).toContain(
      TOPICS.connectorSnapshots,
    );
  });
});
