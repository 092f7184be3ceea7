// SPEC §5's tenant keys and request budgets, through gateways started as npm start runs them
// (their own processes, main.ts: the budget sits in front of everything, the cached reads too).
// Nothing listens behind them: the calls here are the gateway's own.
import { gatewayCall, type ServiceProcess, startServiceProcess } from '@org/testing';
import { Client } from 'pg';

const admin = process.env.ADMIN_API_KEY!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gateway(env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  return startServiceProcess('gateway', 'GATEWAY_PORT', {
    GATEWAY_RATE_LIMIT_PER_S: '10000',
    GATEWAY_RATE_LIMIT_BURST: '10000',
    ...env,
  });
}

async function tenant(url: string, name: string): Promise<{ tenantId: string; apiKey: string }> {
  const created = await gatewayCall(url)('POST', '/v1/tenants', admin, { name });
  expect(created.status).toBe(201);
  return created.body;
}

describe('gateway: tenant keys (SPEC §5)', () => {
  let one: ServiceProcess;
  let two: ServiceProcess;
  beforeAll(async () => {
    [one, two] = await Promise.all([gateway(), gateway()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('makes, lists and revokes keys; a key is shown once and kept as its hash', async () => {
    const api = gatewayCall(one.url);
    const { tenantId, apiKey } = await tenant(one.url, 'Keys Inc');
    const first = await api('GET', '/v1/tenant/keys', apiKey);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        id: expect.any(String),
        name: 'First key',
        scope: 'admin',
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);

    const made = await api('POST', '/v1/tenant/keys', apiKey, { name: 'BI export', scope: 'read' });
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(['apiKey', 'id', 'name', 'scope']);
    expect(made.body).toMatchObject({ name: 'BI export', scope: 'read' });
    const listed = (await api('GET', '/v1/tenant/keys', apiKey)).body.items;
    expect(listed.map((k: { name: string }) => k.name)).toEqual(['First key', 'BI export']);
    expect(JSON.stringify(listed)).not.toContain(made.body.apiKey);

    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const stored = (await db.query('select key_hash from gateway.api_key where tenant_id = $1', [tenantId])).rows;
      expect(stored).toHaveLength(2);
      expect(JSON.stringify(stored)).not.toContain(made.body.apiKey);
    } finally {
      await db.end();
    }

    // The new key works; revoked, it answers 401, and revoking again changes nothing.
    expect((await api('GET', '/v1/tenant', made.body.apiKey)).status).toBe(200);
    expect((await api('DELETE', `/v1/tenant/keys/${made.body.id}`, apiKey)).status).toBe(204);
    expect((await api('DELETE', `/v1/tenant/keys/${made.body.id}`, apiKey)).status).toBe(204);
    const revoked = (await api('GET', '/v1/tenant/keys', apiKey)).body.items[1];
    expect(revoked.revokedAt).toEqual(expect.any(String));
  });

  it('gives a read key 403 FORBIDDEN on every change, and its reads', async () => {
    const api = gatewayCall(one.url);
    const { apiKey } = await tenant(one.url, 'Readers');
    const read = (await api('POST', '/v1/tenant/keys', apiKey, { name: 'viewer', scope: 'read' })).body.apiKey;
    expect((await api('GET', '/v1/tenant', read)).status).toBe(200);
    expect((await api('GET', '/v1/tenant/keys', read)).status).toBe(200);
    const changes: Array<[string, string, unknown?]> = [
      ['PATCH', '/v1/tenant', { name: 'Renamed' }],
      ['POST', '/v1/tenant/keys', { name: 'escalate', scope: 'admin' }],
      ['DELETE', '/v1/tenant/keys/00000000-0000-4000-8000-000000000000'],
      ['POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta' }],
      ['DELETE', '/v1/sso-connections/x'],
      ['PUT', '/v1/sso-connections/x/source', {}],
      ['POST', '/v1/connections', {}],
      ['POST', '/v1/connections/x/disconnect', {}],
      ['DELETE', '/v1/connections/x'],
      ['PUT', '/v1/instances/x/reclamation-settings', {}],
    ];
    for (const [method, path, body] of changes) {
      const answer = await api(method, path, read, body);
      expect({ method, path, status: answer.status, code: answer.body?.error?.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect((await api('GET', '/v1/tenant', apiKey)).body.name).toBe('Readers');
  });

  it('keeps the last admin key (409 LAST_ADMIN_KEY) and lets it go once there is another', async () => {
    const api = gatewayCall(one.url);
    const { apiKey } = await tenant(one.url, 'Last admin');
    const keys = (await api('GET', '/v1/tenant/keys', apiKey)).body.items;
    const refused = await api('DELETE', `/v1/tenant/keys/${keys[0].id}`, apiKey);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LAST_ADMIN_KEY');
    // A read key is no admin: still refused.
    await api('POST', '/v1/tenant/keys', apiKey, { name: 'reader', scope: 'read' });
    expect((await api('DELETE', `/v1/tenant/keys/${keys[0].id}`, apiKey)).status).toBe(409);
    const second = (await api('POST', '/v1/tenant/keys', apiKey, { name: 'second admin', scope: 'admin' })).body;
    expect((await api('DELETE', `/v1/tenant/keys/${keys[0].id}`, second.apiKey)).status).toBe(204);
    expect((await api('GET', '/v1/tenant', apiKey)).status).toBe(401);
    expect((await api('DELETE', `/v1/tenant/keys/${second.id}`, second.apiKey)).body.error.code).toBe('LAST_ADMIN_KEY');
  });

  it('revokes a key on every gateway within a second', async () => {
    const { apiKey } = await tenant(one.url, 'Two gateways');
    const other = (await gatewayCall(one.url)('POST', '/v1/tenant/keys', apiKey, { name: 'doomed', scope: 'admin' }))
      .body;
    // Both gateways know the key (and keep what they read of it).
    for (const g of [one, two]) expect((await gatewayCall(g.url)('GET', '/v1/tenant', other.apiKey)).status).toBe(200);
    expect((await gatewayCall(one.url)('DELETE', `/v1/tenant/keys/${other.id}`, apiKey)).status).toBe(204);
    const revokedAt = Date.now();
    const refusedAfter = await Promise.all(
      [one, two].map(async (g) => {
        for (;;) {
          if ((await gatewayCall(g.url)('GET', '/v1/tenant', other.apiKey)).status === 401)
            return Date.now() - revokedAt;
          await sleep(20);
        }
      }),
    );
    expect(Math.max(...refusedAfter)).toBeLessThanOrEqual(1_000);
  });

  it("keeps lastUsedAt without writing on every request, and answers another tenant's key id 404", async () => {
    const api = gatewayCall(two.url);
    const a = await tenant(two.url, 'Used');
    const b = await tenant(two.url, 'Other');
    for (let i = 0; i < 20; i++) await api('GET', '/v1/tenant', a.apiKey);
    let used: string | null = null;
    // Written by the gateway every few seconds, not by each of these calls.
    for (let i = 0; i < 40 && !used; i++) {
      await sleep(500);
      used = (await gatewayCall(one.url)('GET', '/v1/tenant/keys', a.apiKey)).body.items[0].lastUsedAt;
    }
    expect(Date.parse(used!)).toBeGreaterThan(Date.now() - 60_000);
    const aKeys = (await api('GET', '/v1/tenant/keys', a.apiKey)).body.items;
    const probe = await api('DELETE', `/v1/tenant/keys/${aKeys[0].id}`, b.apiKey);
    expect(probe.status).toBe(404);
    expect((await api('GET', '/v1/tenant/keys', b.apiKey)).body.items.map((k: { id: string }) => k.id)).not.toContain(
      aKeys[0].id,
    );
    expect((await api('DELETE', '/v1/tenant/keys/not-a-uuid', b.apiKey)).status).toBe(404);
    for (const body of [
      {},
      { name: 'x', scope: 'owner' },
      { name: '', scope: 'read' },
      { name: 'x', scope: 'read', extra: 1 },
    ])
      expect((await api('POST', '/v1/tenant/keys', b.apiKey, body)).body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('gateway: request budgets (SPEC §5)', () => {
  let g: ServiceProcess;
  beforeAll(async () => {
    // A token every 5 s: six calls in a row cannot earn a sixth token, however slow the machine.
    g = await gateway({ GATEWAY_RATE_LIMIT_PER_S: '0.2', GATEWAY_RATE_LIMIT_BURST: '5' });
  }, 120_000);
  afterAll(() => g?.stop());

  const raw = (key: string, path = '/v1/tenant') =>
    fetch(`${g.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('spends a token per call, answers 429 RATE_LIMITED with Retry-After when the bucket is empty, and refills', async () => {
    const { apiKey } = await tenant(g.url, 'Budget');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await raw(apiKey));
    expect(answers.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((r) => r.headers.get('ratelimit-limit'))).toEqual(Array(6).fill('5'));
    expect(answers.slice(0, 5).map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    const refused = answers[5];
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    await sleep(Number(refused.headers.get('retry-after')) * 1_000);
    expect((await raw(apiKey)).status).toBe(200);
  });

  it('puts the headers on every answer of a keyed call: errors, unknown keys, forwarded calls', async () => {
    const { apiKey } = await tenant(g.url, 'Headers');
    for (const answer of [
      await raw('pk_unknown'),
      await raw(apiKey, '/v1/nowhere'),
      await raw(apiKey, '/v1/connections'),
    ]) {
      expect(answer.status).not.toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBe('5');
      expect(answer.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    }
  });

  it("does not let one tenant over its budget touch another's", async () => {
    const flooding = await tenant(g.url, 'Flooding');
    const quiet = await tenant(g.url, 'Quiet');
    const flood = Promise.all(Array.from({ length: 200 }, () => raw(flooding.apiKey)));
    // While the flood is answered, the quiet tenant spends from its own full bucket only.
    const calm = await Promise.all(Array.from({ length: 3 }, () => raw(quiet.apiKey)));
    expect(calm.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(calm.map((r) => r.headers.get('ratelimit-remaining')).sort()).toEqual(['2', '3', '4']);
    const statuses = (await flood).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
  });
});
