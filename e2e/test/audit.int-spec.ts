// SPEC §5's audit trail end to end, each service in its own process: changes made through the
// gateway with different keys, recorded by the service that owns each (in the transaction of the
// change), carried on audit.v1 and answered by `GET /v1/audit`.
import { newEvent, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { eventually, gatewayCall, produce, type Product, startProduct } from '@org/testing';

interface Entry {
  at: string;
  keyId: string | null;
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
}

describe('the audit trail through the gateway (SPEC §5)', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct();
  }, 180_000);
  afterAll(() => Promise.all(product.all.map((s) => s.stop())));

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(product.gateway.url)(method, path, key, body);
  const ok = async (method: string, path: string, key: string, body?: unknown) => {
    const r = await api(method, path, key, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** Every entry of the tenant, page by page. */
  async function wholeAudit(key: string, query = '', limit = 1000): Promise<Entry[]> {
    const entries: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page = await ok('GET', `/v1/audit?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, key);
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return entries;
  }
  /** The whole audit once `done` says it is complete. */
  const auditOnce = (key: string, done: (entries: Entry[]) => boolean, timeoutMs?: number) =>
    eventually(async () => {
      const all = await wholeAudit(key);
      if (!done(all)) throw new Error(`not yet: ${JSON.stringify(all.map((e) => e.action))}`);
      return all;
    }, timeoutMs);

  it('records every change with its key, target and details, newest first, only for its tenant', async () => {
    const made = await ok('POST', '/v1/tenants', process.env.ADMIN_API_KEY!, { name: 'Audited' });
    const first = made.apiKey as string;
    const tenantId = made.tenantId as string;
    const firstId = (await ok('GET', '/v1/tenant/keys', first)).items[0].id as string;
    const ops = await ok('POST', '/v1/tenant/keys', first, { name: 'Ops', scope: 'admin' });
    const viewer = await ok('POST', '/v1/tenant/keys', first, { name: 'Viewer', scope: 'read' });
    await ok('PATCH', '/v1/tenant', ops.apiKey, { timeZone: 'Europe/Berlin' });
    const sso = await ok('POST', '/v1/sso-connections', first, { platform: 'okta', name: 'Okta' });
    const app = { ssoConnectionId: sso.id, ssoAppId: 'sf', appKey: 'salesforce', appName: 'Salesforce' };
    await produce(TOPICS.ssoEvents, [
      {
        key: ssoEventKey(tenantId, sso.id, 'sf'),
        value: aLogin({ tenantId, data: { ...app, userId: 'ann', email: 'ann@a.test', method: 'sso' } }),
      },
    ]);
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications', first)).body.items[0]?.instances[0]?.instanceId,
    );
    const body = { instanceId, kind: 'provisioning', vendor: 'salesforce', supportsLicenseTiers: true };
    const connection = await eventually(async () => {
      const r = await api('POST', '/v1/connections', ops.apiKey, body);
      return r.status === 201 ? r.body : null;
    });
    await ok('PUT', `/v1/instances/${instanceId}/reclamation-settings`, first, {
      inactiveAfterDays: 30,
      exemptEmails: ['boss@a.test'],
      currency: 'EUR',
      defaultMonthlyPrice: 10,
      tierMonthlyPrices: {},
    });
    await ok('POST', `/v1/connections/${connection.id}/disconnect`, ops.apiKey, {});
    await ok('DELETE', `/v1/connections/${connection.id}`, ops.apiKey);
    const secret = '00oktaAUDIT-token-never-recorded';
    await eventually(async () => {
      const r = await api('PUT', `/v1/sso-connections/${sso.id}/source`, first, {
        platform: 'okta',
        settings: { orgUrl: 'http://127.0.0.1:9' },
        secret,
      });
      return r.status === 200 || r.status === 201 ? r.body : null;
    });
    await ok('POST', `/v1/sso-connections/${sso.id}/source/sync`, first, {});
    await ok('DELETE', `/v1/sso-connections/${sso.id}/source`, first);
    // sso-ingest learns that the connection is deleted from registry.connections.v1.
    await eventually(async () => (await api('DELETE', `/v1/sso-connections/${sso.id}`, first)).status === 204);
    await ok('DELETE', `/v1/tenant/keys/${viewer.id}`, ops.apiKey);

    // Refused changes leave nothing: a read key, a wrong transition, a bad body, another tenant's id.
    expect((await api('PATCH', '/v1/tenant', viewer.apiKey, { name: 'x' })).status).toBe(401);
    const reader = await ok('POST', '/v1/tenant/keys', ops.apiKey, { name: 'Reader', scope: 'read' });
    expect((await api('PATCH', '/v1/tenant', reader.apiKey, { name: 'x' })).status).toBe(403);
    expect((await api('POST', `/v1/connections/${connection.id}/disconnect`, ops.apiKey, {})).status).toBe(409);
    expect((await api('PATCH', '/v1/tenant', ops.apiKey, { estimateWindowDays: 0 })).status).toBe(400);

    // A neighbour's changes stay its own.
    const neighbour = await ok('POST', '/v1/tenants', process.env.ADMIN_API_KEY!, { name: 'Neighbour' });
    await ok('PATCH', '/v1/tenant', neighbour.apiKey, { name: 'Neighbour Ltd' });

    const expected: Array<[string, string | null, string]> = [
      ['tenant.created', null, tenantId],
      ['key.created', null, firstId],
      ['key.created', firstId, ops.id],
      ['key.created', firstId, viewer.id],
      ['tenant.updated', ops.id, tenantId],
      ['sso-connection.registered', firstId, sso.id],
      ['connection.connected', ops.id, connection.id],
      ['reclamation-settings.updated', firstId, instanceId],
      ['connection.disconnected', ops.id, connection.id],
      ['connection.deleted', ops.id, connection.id],
      ['sso-source.attached', firstId, sso.id],
      ['sso-source.sync-requested', firstId, sso.id],
      ['sso-source.detached', firstId, sso.id],
      ['sso-connection.deleted', firstId, sso.id],
      ['key.revoked', ops.id, viewer.id],
      ['key.created', ops.id, reader.id],
    ];
    const entries = await auditOnce(first, (all) => all.length >= expected.length, 60_000);
    // Newest first: the list read backwards is the order of the calls.
    expect([...entries].reverse().map((e) => [e.action, e.keyId, e.target.id])).toEqual(expected);
    const times = entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const of = (action: string) => entries.find((e) => e.action === action)!;
    expect(of('tenant.updated').details).toEqual({ timeZone: 'Europe/Berlin' });
    expect(of('connection.connected')).toMatchObject({
      target: { type: 'connection', id: connection.id },
      details: { instanceId, kind: 'provisioning', vendor: 'salesforce', status: 'connected' },
    });
    expect(of('reclamation-settings.updated').details).toMatchObject({ inactiveAfterDays: 30, currency: 'EUR' });
    expect(of('sso-source.attached').details).toMatchObject({
      platform: 'okta',
      settings: { orgUrl: 'http://127.0.0.1:9' },
    });
    expect(of('key.revoked').details).toEqual({ name: 'Viewer', scope: 'read' });
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(ops.apiKey);

    // A read key reads the audit; the neighbour sees only its own.
    expect((await wholeAudit(reader.apiKey)).length).toBe(entries.length);
    const theirs = await auditOnce(neighbour.apiKey, (all) => all.length === 3);
    expect(theirs.map((e) => e.action)).toEqual(['tenant.updated', 'key.created', 'tenant.created']);
    expect(JSON.stringify(theirs)).not.toContain(tenantId);

    // Pages of 4 give the same list; `from`/`to` bound the times, both included.
    expect(await wholeAudit(first, '', 4)).toEqual(entries);
    const [from, to] = [entries[10].at, entries[3].at];
    const bounded = await wholeAudit(first, `&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, 2);
    expect(bounded).toEqual(entries.filter((e) => e.at >= from && e.at <= to));
    expect(bounded.length).toBeGreaterThanOrEqual(8);

    // A redelivered record is kept once: a marker sent after both copies shows they were read.
    const record = (name: string) =>
      newEvent('audit.recorded', neighbour.tenantId, {
        keyId: null,
        action: 'tenant.updated',
        target: { type: 'tenant', id: neighbour.tenantId },
        details: { name },
      });
    const again = record('Replayed');
    await produce(
      TOPICS.audit,
      [again, again, record('Marker')].map((value) => ({ key: neighbour.tenantId, value })),
    );
    const replayed = await auditOnce(neighbour.apiKey, (all) => all.some((e) => e.details.name === 'Marker'));
    expect(replayed.filter((e) => e.details.name === 'Replayed')).toHaveLength(1);
  }, 180_000);

  it('answers 400 to a bad limit, time or cursor, and 401 without a key', async () => {
    const { apiKey } = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Asker' })).body;
    for (const query of [
      'limit=0',
      'limit=1001',
      'limit=ten',
      'from=yesterday',
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('["x","1"]').toString('base64url')}`,
      'tenantId=other',
    ]) {
      const r = await api('GET', `/v1/audit?${query}`, apiKey);
      expect([query, r.status, r.body.error?.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    expect((await api('GET', '/v1/audit')).status).toBe(401);
  });
});
