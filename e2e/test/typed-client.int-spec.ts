// A client typed by the OpenAPI document (issue 21): openapi-fetch over the types openapi-typescript
// generated (e2e/api/schema.ts). It compiles against the document (typecheck of e2e), and drives
// the product here: a tenant, a key, an SSO connection, a connection, a view, the audit.
import { ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { eventually, produce, type Product, startProduct } from '@org/testing';
import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';

describe('a client generated from the OpenAPI document', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct();
  }, 180_000);
  afterAll(() => Promise.all(product.all.map((s) => s.stop())));

  it('makes a tenant, connects an instance and reads its view, with every call and answer typed', async () => {
    const as = (key: string) =>
      createClient<paths>({ baseUrl: product.gateway.url, headers: { authorization: `Bearer ${key}` } });
    const made = await as(process.env.ADMIN_API_KEY!).POST('/v1/tenants', { body: { name: 'Typed', timeZone: 'UTC' } });
    expect(made.response.status).toBe(201);
    const { tenantId, apiKey } = made.data!;
    const api = as(apiKey);

    const sso = (await api.POST('/v1/sso-connections', { body: { platform: 'okta', name: 'Okta' } })).data!;
    await produce(TOPICS.ssoEvents, [
      {
        key: ssoEventKey(tenantId, sso.id, 'sf'),
        value: aLogin({
          tenantId,
          data: { ssoConnectionId: sso.id, ssoAppId: 'sf', appKey: 'salesforce', appName: 'Salesforce' },
        }),
      },
    ]);
    const instanceId = (await eventually(
      async () => (await api.GET('/v1/applications')).data?.items[0]?.instances[0]?.instanceId,
    )) as string;
    const eligibility = await api.GET('/v1/applications/{appKey}/eligibility', {
      params: { path: { appKey: 'salesforce' } },
    });
    expect(eligibility.data?.instances).toEqual([{ instanceId, connectable: true, reason: null }]);

    const connected = await eventually(async () => {
      const r = await api.POST('/v1/connections', {
        body: { instanceId, kind: 'provisioning', vendor: 'salesforce', supportsLicenseTiers: true },
      });
      return r.response.status === 201 ? r.data : null;
    });
    expect(connected).toMatchObject({ instanceId, status: 'connected' });
    const listed = await api.GET('/v1/connections', { params: { query: { instanceId } } });
    expect(listed.data?.items.map((c) => c.id)).toEqual([connected!.id]);

    // An error answer is typed too: the SPEC's error body.
    const again = await api.POST('/v1/connections', {
      body: { instanceId, kind: 'provisioning', vendor: 'salesforce', supportsLicenseTiers: true },
    });
    expect([again.response.status, again.error?.error.code]).toEqual([409, 'ALL_INSTANCES_CONNECTED']);

    const today = new Date().toISOString().slice(0, 10);
    const view = (await eventually(async () => {
      const r = await api.GET('/v1/instances/{id}/provisioning', {
        params: { path: { id: instanceId }, query: { from: today, to: today } },
      });
      return r.data?.days[0]?.awaitingFirstSync ? r.data : null;
    }))!;
    // Connected today, before its first sync: the estimate, awaiting it.
    expect(view.days[0]).toMatchObject({ day: today, source: 'sso_estimate', awaitingFirstSync: true });

    const audit = (await eventually(async () => {
      const r = await api.GET('/v1/audit', { params: { query: { limit: 10 } } });
      return r.data?.items.some((e) => e.action === 'connection.connected') ? r.data : null;
    }))!;
    expect(audit.items[0]).toMatchObject({
      action: 'connection.connected',
      target: { type: 'connection', id: connected!.id },
    });
  }, 120_000);
});
