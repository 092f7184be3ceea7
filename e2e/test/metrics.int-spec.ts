// `/metrics` on every service (Prometheus text, prom-client): events applied, DLQ counts and
// consumer lag per topic, HTTP latency by route, rebuild durations — each seen moving after
// the traffic that should move it.
import { ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { eventually, gatewayCall, type Product, metricSample, produce, startProduct } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('metrics', () => {
  let product: Product;
  const metricsOf = async (name: string) => {
    const res = await fetch(`${product.all.find((s) => s.name === name)!.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    product = await startProduct();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(product.all.map((s) => s.stop()));
  });

  it('shows every service running on the Node.js the project installs (package.json `node`)', async () => {
    const { devDependencies } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    for (const service of product.all) {
      expect([
        service.name,
        /nodejs_version_info\{version="(v[^"]+)"/.exec(await metricsOf(service.name))?.[1],
      ]).toEqual([service.name, `v${devDependencies.node}`]);
    }
  });

  it('counts applied events, refusals, lag, HTTP latency and rebuilds', async () => {
    const admin = gatewayCall(product.gateway.url);
    const tenant = (await admin('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Metered' })).body;
    const api = (method: string, path: string, body?: unknown) => admin(method, path, tenant.apiKey, body);
    const sso = (await api('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta' })).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'box-1', appKey: 'box', appName: 'Box' };
    await produce(TOPICS.ssoEvents, [
      ...['u1', 'u2'].map((userId) => ({
        key: ssoEventKey(tenant.tenantId, sso.id, 'box-1'),
        value: aLogin({ tenantId: tenant.tenantId, data: { ...app, userId, method: 'sso' } }),
      })),
      { key: 'k', value: `{"not": "an event ${randomUUID()}"` },
    ]);
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications')).body.items[0]?.instances[0]?.instanceId,
    );

    const ingest = await eventually(async () => {
      const text = await metricsOf('sso-ingest');
      return (metricSample(text, 'kafka_dlq_messages_total', { topic: TOPICS.ssoEvents, code: 'INVALID_PAYLOAD' }) ??
        0) >= 1
        ? text
        : null;
    });
    expect(metricSample(ingest!, 'kafka_events_applied_total', { topic: TOPICS.ssoEvents })).toBeGreaterThanOrEqual(2);
    expect(metricSample(ingest!, 'kafka_consumer_lag', { topic: TOPICS.ssoEvents })).not.toBeNull();
    expect(ingest).toMatch(/^process_resident_memory_bytes \d+/m);
    const registry = await metricsOf('connector-registry');
    expect(metricSample(registry, 'kafka_events_applied_total', { topic: TOPICS.ssoInstances })).toBeGreaterThanOrEqual(
      1,
    );

    // HTTP latency by route pattern, on the gateway and behind it; a cache hit has its own route.
    await api('GET', `/v1/instances/${instanceId}/provisioning`);
    await eventually(
      async () =>
        (
          await fetch(`${product.gateway.url}/v1/instances/${instanceId}/provisioning`, {
            headers: { authorization: `Bearer ${tenant.apiKey}` },
          })
        ).headers.get('x-cache') === 'hit',
    );
    const front = await metricsOf('gateway');
    expect(
      metricSample(front, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/*path', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricSample(front, 'http_request_duration_seconds_count', {
        route: '/v1/instances/:id/* (cached)',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    const resolver = await metricsOf('provisioning-resolver');
    expect(
      metricSample(resolver, 'http_request_duration_seconds_count', { route: '/v1/instances/:id/provisioning' }),
    ).toBeGreaterThanOrEqual(1);

    // A deletion's rebuild is timed.
    const connection = (
      await api('POST', '/v1/connections', {
        instanceId,
        kind: 'provisioning',
        vendor: 'SCIM',
        supportsLicenseTiers: false,
      })
    ).body;
    await api('POST', `/v1/connections/${connection.id}/disconnect`, {});
    expect((await api('DELETE', `/v1/connections/${connection.id}`)).status).toBe(202);
    await eventually(async () => {
      const text = await metricsOf('provisioning-resolver');
      return (metricSample(text, 'view_rebuild_duration_seconds_count', { reason: 'connection_deleted' }) ?? 0) >= 1;
    }, 30_000);
  });
});
