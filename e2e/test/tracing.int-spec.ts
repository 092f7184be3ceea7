// One trace across services and Kafka (issue 21): the services, each in its own process, export
// their spans over OTLP/HTTP to a receiver in this test, which keeps them in memory. One
// `POST /v1/connections` must give one trace from the gateway to the resolver's view write,
// parent to child: HTTP in, HTTP out, the registry's transaction and outbox, Kafka, the
// resolver's consume, its view write. And the log lines of that call carry its traceId.
import { ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { eventually, gatewayCall, produce, type Product, startProduct } from '@org/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

/** An OTLP/HTTP (JSON) trace receiver: every span the services export, in memory. */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value
            ?.stringValue;
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                kind: s.kind,
              });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('tracing: one trace from the API call to the view write', () => {
  let product: Product;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  beforeAll(async () => {
    receiver = await otlpReceiver();
    // Info lines too (tests run at warn): the access lines carry the trace.
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200', LOG_LEVEL: 'info' };
    product = await startProduct({ env, gatewayEnv: env });
  }, 180_000);
  afterAll(async () => {
    await Promise.all((product?.all ?? []).map((s) => s.stop()));
    await receiver?.close();
  });

  it('follows POST /v1/connections through the registry, its outbox and Kafka to the resolver view write', async () => {
    const api = gatewayCall(product.gateway.url);
    const { tenantId, apiKey } = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Traced' })).body;
    const sso = (await api('POST', '/v1/sso-connections', apiKey, { platform: 'okta', name: 'Okta' })).body;
    await produce(TOPICS.ssoEvents, [
      {
        key: ssoEventKey(tenantId, sso.id, 'sf'),
        value: aLogin({
          tenantId,
          data: { ssoConnectionId: sso.id, ssoAppId: 'sf', appKey: 'salesforce', appName: 'Salesforce' },
        }),
      },
    ]);
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications', apiKey)).body.items[0]?.instances[0]?.instanceId,
    );
    // The eligibility the registry knows may lag the applications list by a moment.
    const connection = await eventually(async () => {
      const r = await api('POST', '/v1/connections', apiKey, {
        instanceId,
        kind: 'provisioning',
        vendor: 'salesforce',
        supportsLicenseTiers: false,
        effectiveAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      });
      return r.status === 201 ? r.body : null;
    });

    // A view write whose trace goes up, parent by parent, to a call into the gateway through the
    // registry: the connect (a login's trace starts at the resolver or sso-ingest, not at the gateway).
    const chainOf = (span: ReceivedSpan): ReceivedSpan[] | null => {
      const byId = new Map(receiver.spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]));
      const chain = [span];
      for (let s = span; s.parentSpanId;) {
        const parent = byId.get(s.parentSpanId);
        if (!parent) return null; // not received yet
        chain.push((s = parent));
      }
      return chain;
    };
    const chain = (await eventually(() => {
      for (const write of receiver.spans.filter(
        (s) => s.service === 'provisioning-resolver' && s.name === 'view write',
      )) {
        const found = chainOf(write);
        if (found?.at(-1)?.service === 'gateway' && found.some((s) => s.service === 'connector-registry')) return found;
      }
      return null;
    }, 30_000))!;
    const root = chain.at(-1)!;
    const inTrace = () => receiver.spans.filter((s) => s.traceId === root.traceId);
    expect(root.name.startsWith('POST')).toBe(true);
    const services = [...new Set(chain.map((s) => s.service).reverse())];
    expect(services).toEqual(['gateway', 'connector-registry', 'provisioning-resolver']);
    const names = chain.map((s) => s.name).reverse();
    expect(names).toEqual(
      expect.arrayContaining([`${TOPICS.registryConnections} process`, 'outbox publish', 'view write']),
    );
    // HTTP out of the gateway (client) into the registry (server); Kafka producer, then consumer.
    const kinds = chain.map((s) => s.kind).reverse();
    const [SERVER, CLIENT, PRODUCER, CONSUMER] = [2, 3, 4, 5];
    expect(kinds.indexOf(CLIENT)).toBeGreaterThan(kinds.indexOf(SERVER));
    expect(kinds.indexOf(CONSUMER)).toBeGreaterThan(kinds.indexOf(PRODUCER));
    // The registry's statements are in the trace too (PostgreSQL).
    expect(inTrace().some((s) => s.service === 'connector-registry' && /insert|INSERT|pg\./.test(s.name))).toBe(true);

    // Its log lines name the trace: the gateway's access line, the registry's too.
    for (const name of ['gateway', 'connector-registry']) {
      const lines = product.all
        .find((s) => s.name === name)!
        .output.join('')
        .split('\n')
        .filter((l) => l.includes(root.traceId));
      expect([name, lines.length > 0]).toEqual([name, true]);
    }
    expect(connection.id).toEqual(expect.any(String));
  }, 180_000);
});
