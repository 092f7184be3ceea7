// Reliability (issue 8): generated bad REST requests (fast-check) never get a 5xx and every
// error answer is the SPEC's error body; text PostgreSQL cannot store, control characters in a
// path or query, ids over 128 characters answer 400 and bodies over 1 MB 413 (SPEC §5), at the
// gateway as behind it; another tenant's ids answer 404 to every call; calls that skip the
// gateway get 401 whatever tenant they claim.
import { errorBody, MAX_ID_LENGTH, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { MAX_BODY_DEPTH } from '@org/errors';
import { eventually, gatewayCall, produce, type ServiceProcess, startProduct } from '@org/testing';
import fc from 'fast-check';
import { FULL } from './chaos';

const REQUESTS = FULL ? 10_000 : 1_000;
/** Each costs a few MB on the wire: a few are enough to show the limit holds wherever they go. */
const OVERSIZED = FULL ? 40 : 4;
/** SPEC §5's 1 MB, as the services count it. */
const ONE_MB = 1024 * 1024;

// Units of generated text: any code point, and now and then one PostgreSQL cannot store (NUL, a
// lone surrogate) or a control character, which no path or query needs.
const unit = fc.oneof(
  { weight: 57, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constant('\u0000') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff') },
  { weight: 1, arbitrary: fc.constantFrom('\u0001', '\u001f', '\u007f', '\u0085') },
);
const text = (maxLength: number) => fc.string({ unit, maxLength });
/** A JSON body of exactly `bytes` bytes (ASCII). */
const jsonOfSize = (bytes: number) => JSON.stringify({ name: 'x'.repeat(bytes - '{"name":""}'.length) });

/**
 * encodeURIComponent, but a lone surrogate (which it refuses) sent as the bytes a careless
 * client would send for it (WTF-8, `%ED%A0%80`).
 */
function percentEncoded(s: string): string {
  return [...s]
    .map((c) => {
      if (!/\p{Cs}/u.test(c)) return encodeURIComponent(c);
      const code = c.charCodeAt(0);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

const unstorable = (s: string) => s.includes('\u0000') || /\p{Cs}/u.test(s);
const UNFIT_IN_URL = /[\p{Cc}\p{Cs}]/u;

/**
 * What SPEC §5 answers whatever the route and the key, judged here on its own: 413 to a parsed
 * body over 1 MB; 400 to a path segment that is not UTF-8, holds a control character or is over
 * 128 characters, to a control character in the query, to a body that is not JSON or holds a
 * NUL or a lone surrogate (or nests absurdly deep). Null: the route decides.
 */
function refusalOf(url: URL, body: string | undefined, type: string): 400 | 413 | null {
  const parsed = body !== undefined && (type === 'application/json' || type === 'application/x-www-form-urlencoded');
  if (parsed && Buffer.byteLength(body) > ONE_MB) return 413;
  for (const raw of url.pathname.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return 400;
    }
    if (UNFIT_IN_URL.test(segment) || [...segment].length > MAX_ID_LENGTH) return 400;
  }
  for (const [key, value] of url.searchParams) if (UNFIT_IN_URL.test(key + value)) return 400;
  if (!parsed || body === '') return null;
  if (type === 'application/x-www-form-urlencoded') {
    // As the body parser (qs) reads a form: a part that is not percent-encoded UTF-8 stays as it is.
    const decoded = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return part;
      }
    };
    const pairs = body.split('&').map((pair) => [pair.split('=', 1)[0], pair.slice(pair.indexOf('=') + 1)]);
    return pairs.some((pair) => pair.some((part) => unstorable(decoded(part)))) ? 400 : null;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 400;
  }
  const unfit = (v: unknown, depth: number): boolean =>
    typeof v === 'string'
      ? unstorable(v)
      : v !== null &&
        typeof v === 'object' &&
        (depth >= MAX_BODY_DEPTH || Object.entries(v).some(([k, inner]) => unstorable(k) || unfit(inner, depth + 1)));
  // Strict JSON: only an object or an array is a body.
  return value === null || typeof value !== 'object' || unfit(value, 0) ? 400 : null;
}

/** The answer is 4xx or less, and any error comes in the SPEC's body with a known code. */
function expectSpecAnswer(what: string, status: number, text: string) {
  if (status >= 500) throw new Error(`${what} → ${status} ${text.slice(0, 300)}`);
  if (status < 400) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const error = (body as { error?: object })?.error;
  if (!errorBody.safeParse(body).success || !error || !('details' in error))
    throw new Error(`${what} → ${status} without the error body: ${text.slice(0, 300)}`);
}

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

  /** What the generated requests are made of (the tenants' ids are known once `beforeAll` ran). */
  function requestParts() {
    const segment = fc.oneof(
      fc.constantFrom(
        '',
        '..',
        '%00',
        'a%00b',
        '%01',
        '%1F',
        '%7F',
        '%ED%A0%80',
        '%ED%B0%80',
        '%E0%A4%A',
        "' or 1=1 --",
        '😀',
        'a'.repeat(MAX_ID_LENGTH),
        'a'.repeat(MAX_ID_LENGTH + 1),
        'a'.repeat(3000),
        '00000000-0000-0000-0000-000000000000',
      ),
      fc.uuid(),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      text(40).map(percentEncoded),
      // Ids over 128 characters, up to 5,000 (kept under Node's 16 KB of request line and headers).
      fc.integer({ min: MAX_ID_LENGTH + 1, max: 5000 }).map((n) => 'k'.repeat(n)),
      fc.string({ minLength: MAX_ID_LENGTH + 1, maxLength: 1500 }).map(encodeURIComponent),
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
          fc.constantFrom('from', 'to', 'limit', 'cursor', 'effectiveAt', 'x', '\u0000', 'a\u0001'),
          fc.oneof(
            fc.string({ maxLength: 20 }),
            text(20),
            fc.constantFrom('2026-02-30', '-1', '1e9', '9999-12-31', 'null', '\u0000', 'x'.repeat(500)),
          ),
        )
        .map((d) => `?${new URLSearchParams(d)}`),
    );
    const nameLike = fc.oneof(fc.string(), text(40));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.jsonValue({ maxDepth: 3, stringUnit: unit }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            instanceId: fc.oneof(segment, text(40)),
            kind: nameLike,
            vendor: fc.oneof(nameLike, fc.integer()),
            supportsLicenseTiers: fc.anything(),
            effectiveAt: fc.oneof(
              nameLike,
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
            ),
            name: nameLike,
            platform: nameLike,
            timeZone: nameLike,
            estimateWindowDays: fc.oneof(fc.integer(), fc.double()),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{',
        '{"a":',
        'null',
        '[]',
        '"x"',
        '\u0000',
        '{"name":"a\\u0000b"}',
        '{"name":"\\ud800"}',
        '{"a\\u0000":1}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
      ),
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
    const authorization = (a: string | undefined) =>
      a === 'mine' ? `Bearer ${keys.mine}` : a === 'other' ? `Bearer ${keys.other}` : a;
    // Calls that are right but for their text, so a NUL or a lone surrogate reaches as far as it can.
    const field = text(30);
    const call = (method: string, path: string, query: string, body: unknown, auth: string | undefined) =>
      [method, path, query, body === undefined ? undefined : JSON.stringify(body), auth, 'application/json'] as const;
    const wellFormed = fc.oneof(
      field.map((name) => call('POST', '/v1/tenants', '', { name }, `Bearer ${process.env.ADMIN_API_KEY}`)),
      field.map((name) => call('PATCH', '/v1/tenant', '', { name }, 'mine')),
      fc.record({ platform: field, name: field }).map((b) => call('POST', '/v1/sso-connections', '', b, 'mine')),
      field.map((appKey) =>
        call('GET', `/v1/applications/${percentEncoded(appKey)}/eligibility`, '', undefined, 'mine'),
      ),
      // The cursor is opaque: base64url of a user id, whatever text that id holds.
      field.map((userId) =>
        call(
          'GET',
          `/v1/instances/${ids.instance}/provisioning/2026-01-01/users`,
          `?cursor=${Buffer.from(userId).toString('base64url')}`,
          undefined,
          'mine',
        ),
      ),
    );
    return { path, query, body, auth, authorization, wellFormed };
  }

  it(`${REQUESTS} generated bad requests: no 5xx, every error in the error body, what SPEC §5 refuses refused`, async () => {
    const { path, query, body, auth, authorization, wellFormed } = requestParts();
    const anyRequest = fc.tuple(
      fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
      path,
      query,
      body,
      auth,
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
    );
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 5, arbitrary: anyRequest }, { weight: 1, arbitrary: wellFormed }),
        async ([method, p, q, b, a, type]) => {
          const sent = method === 'GET' || method === 'DELETE' ? undefined : b;
          const url = new URL(`${gateway.url}${p}${q}`);
          const res = await fetch(url, {
            method,
            headers: {
              ...(authorization(a) ? { authorization: authorization(a)! } : {}),
              ...(b !== undefined ? { 'content-type': type } : {}),
            },
            body: sent,
          });
          const text = await res.text();
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          expectSpecAnswer(`${method} ${p}${q}`, res.status, text);
          const refusal = refusalOf(url, sent, type);
          if (refusal && res.status !== refusal)
            throw new Error(`${method} ${p}${q} (${type}) → ${res.status}, not ${refusal}: ${text.slice(0, 300)}`);
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

  it(`${OVERSIZED} generated bodies over 1 MB, announced or streamed: 413 PAYLOAD_TOO_LARGE`, async () => {
    const { path, query, auth, authorization } = requestParts();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PATCH', 'PUT'),
        path,
        query,
        auth,
        fc.integer({ min: ONE_MB + 1, max: 3 * ONE_MB }),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        fc.boolean(),
        async (method, p, q, a, size, type, streamed) => {
          const body = type === 'application/json' ? jsonOfSize(size) : `name=${'x'.repeat(size - 5)}`;
          const res = await fetch(`${gateway.url}${p}${q}`, {
            method,
            headers: { ...(authorization(a) ? { authorization: authorization(a)! } : {}), 'content-type': type },
            // Streamed: no Content-Length, the limit is found while reading.
            body: streamed ? new Blob([body]).stream() : body,
            duplex: 'half',
          } as RequestInit);
          const text = await res.text();
          expectSpecAnswer(`${method} ${p}${q} (${size} bytes)`, res.status, text);
          if (res.status !== 413 || JSON.parse(text).error.code !== 'PAYLOAD_TOO_LARGE')
            throw new Error(`${method} ${p}${q} (${size} bytes) → ${res.status} ${text.slice(0, 300)}`);
        },
      ),
      { numRuns: OVERSIZED },
    );
  }, 120_000);

  // The bugs the fuzz above once missed (before its text and sizes were generated), one by one.
  describe('answers 4xx where it once answered 500 or 200', () => {
    type Call = [method: string, path: string, key: string | undefined, body?: unknown];
    const line = (method: string, path: string, status: number, code?: string) =>
      `${method} ${path.slice(0, 60)} → ${status} ${code}`;
    /** Each call's answer as one line, so a failure shows them all. */
    const answersTo = async (calls: Call[]) => {
      const lines: string[] = [];
      for (const [method, path, key, body] of calls) {
        const res = await gatewayCall(gateway.url)(method, path, key, body);
        lines.push(line(method, path, res.status, res.body?.error?.code));
      }
      return lines;
    };
    const expectAnswers = async (calls: Call[], status: number, code: string) =>
      expect(await answersTo(calls)).toEqual(calls.map(([method, path]) => line(method, path, status, code)));
    const admin = process.env.ADMIN_API_KEY;

    it('a NUL in a path: 400 VALIDATION_FAILED', async () => {
      await expectAnswers([['GET', '/v1/applications/%00/eligibility', keys.mine]], 400, 'VALIDATION_FAILED');
    });

    it('a NUL or a lone surrogate in a JSON string: 400 VALIDATION_FAILED, at the gateway and behind it', async () => {
      const calls = ['a\u0000b', 'a\ud800b'].flatMap((name): Call[] => [
        ['POST', '/v1/tenants', admin, { name }],
        ['PATCH', '/v1/tenant', keys.mine, { name }],
        ['POST', '/v1/sso-connections', keys.mine, { platform: 'okta', name }],
        ['POST', '/v1/sso-connections', keys.mine, { platform: 'okta', name: { nested: [name] } }],
      ]);
      await expectAnswers(calls, 400, 'VALIDATION_FAILED');
    });

    it('a 3 MB body: 413 PAYLOAD_TOO_LARGE', async () => {
      const name = 'x'.repeat(3 * ONE_MB);
      await expectAnswers(
        [
          ['POST', '/v1/tenants', admin, { name }],
          ['POST', '/v1/sso-connections', keys.mine, { platform: 'okta', name }],
        ],
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it('a 5,000-character app key: 400 VALIDATION_FAILED', async () => {
      await expectAnswers(
        [['GET', `/v1/applications/${'k'.repeat(5000)}/eligibility`, keys.mine]],
        400,
        'VALIDATION_FAILED',
      );
    });

    it('a NUL inside an opaque cursor: 400 VALIDATION_FAILED', async () => {
      const cursor = Buffer.from('u1\u0000').toString('base64url');
      const users = `/v1/instances/${ids.instance}/provisioning/2026-01-01/users?cursor=${cursor}`;
      await expectAnswers([['GET', users, keys.mine]], 400, 'VALIDATION_FAILED');
    });

    it('the services behind the gateway refuse the same on their own (with its credential)', async () => {
      const headers = { 'x-internal-token': process.env.INTERNAL_API_TOKEN!, 'x-tenant-id': 'anyone' };
      const own: Record<string, string> = {
        'sso-ingest': '/v1/sso-connections',
        'connector-registry': '/v1/connections',
        'provisioning-resolver': `/v1/instances/${ids.instance}/provisioning`,
        'sso-sources': `/v1/sso-connections/${ids.instance}/source`,
      };
      const answers: string[] = [];
      const expected: string[] = [];
      for (const service of running.filter((s) => s.name !== 'gateway')) {
        const calls: Array<[string, string, string | undefined, number, string]> = [
          ['GET', `${own[service.name]}/%00`, undefined, 400, 'VALIDATION_FAILED'],
          ['GET', `${own[service.name]}/${'k'.repeat(MAX_ID_LENGTH + 1)}`, undefined, 400, 'VALIDATION_FAILED'],
          ['GET', `${own[service.name]}?x=%00`, undefined, 400, 'VALIDATION_FAILED'],
          ['POST', own[service.name], '{"name":"a\\u0000b"}', 400, 'VALIDATION_FAILED'],
          ['POST', own[service.name], jsonOfSize(ONE_MB + 1), 413, 'PAYLOAD_TOO_LARGE'],
        ];
        for (const [method, path, body, status, code] of calls) {
          const res = await fetch(`${service.url}${path}`, {
            method,
            headers: { ...headers, 'content-type': 'application/json' },
            body,
          });
          const text = await res.text();
          expectSpecAnswer(`${service.name} ${method} ${path}`, res.status, text);
          answers.push(
            `${service.name} ${line(method, path, res.status, text ? JSON.parse(text).error?.code : undefined)}`,
          );
          expected.push(`${service.name} ${line(method, path, status, code)}`);
        }
      }
      expect(answers).toEqual(expected);
    });
  });

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
          'sso-sources': [`/v1/sso-connections/${ids.instance}/source`],
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
