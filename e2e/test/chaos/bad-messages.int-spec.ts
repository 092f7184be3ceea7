// Reliability (issue 8): malformed and foreign-tenant messages among valid ones — every bad
// one in the DLQ with its reason, counted exactly, and every valid one applied.
import { dlqTopicOf, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { gatewayCall, readTopic } from '@org/testing';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { FULL, type Isolated, isolatedProduct, settled } from './chaos';

const VALID = FULL ? 100_000 : 10_000;
const BAD = FULL ? 1_000 : 100;
const DAY = 86_400_000;

describe('chaos: bad messages among good ones', () => {
  let product: Isolated;
  beforeAll(async () => {
    product = await isolatedProduct('chaos-bad-messages');
  }, 180_000);
  afterAll(async () => {
    await product.close();
  }, 120_000);

  it(`${BAD} bad messages among ${VALID} valid: each refused with its reason, every valid one applied`, async () => {
    const api = gatewayCall(product.url());
    const tenant = async (name: string) => {
      const t = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name })).body;
      const sso = (await api('POST', '/v1/sso-connections', t.apiKey, { platform: 'okta', name: 'Okta' })).body;
      return { tenantId: t.tenantId as string, ssoConnectionId: sso.id as string };
    };
    const mine = await tenant('mine');
    const theirs = await tenant('theirs');
    const now = Math.floor(Date.now() / DAY) * DAY;
    const login = (i: number, who = mine) =>
      aLogin({
        tenantId: mine.tenantId,
        data: {
          ssoConnectionId: who.ssoConnectionId,
          ssoAppId: `app-${i % 20}`,
          appKey: `app${i % 20}`,
          appName: `App ${i % 20}`,
          userId: `u${Math.floor(i / 20) % 500}`,
          email: `u${Math.floor(i / 20) % 500}@bad.test`,
          method: 'sso',
          // Distinct quarter hours per (instance, user): every valid login is one fact.
          at: new Date(
            now -
              (1 + Math.floor(i / 10_000)) * 3_600_000 -
              (Math.floor(i / 20 / 500) % 40) * 900_000 -
              Math.floor(i / 400_000) * DAY,
          ).toISOString(),
        },
      });
    const kinds = ['INVALID_PAYLOAD', 'NOT_JSON', 'TENANT_MISMATCH', 'UNKNOWN_SSO_CONNECTION'] as const;
    const bad = (i: number): { key: string; value: unknown; code: string } => {
      const kind = kinds[i % kinds.length];
      if (kind === 'NOT_JSON') return { key: 'x', value: `{"broken": ${i}`, code: 'INVALID_PAYLOAD' };
      if (kind === 'INVALID_PAYLOAD') {
        const event = login(i);
        return { key: 'x', value: { ...event, data: { ...event.data, method: 'password' } }, code: kind };
      }
      const event =
        kind === 'TENANT_MISMATCH' ? login(i, theirs) : login(i, { ...mine, ssoConnectionId: randomUUID() });
      return {
        key: ssoEventKey(mine.tenantId, event.data.ssoConnectionId, event.data.ssoAppId),
        value: event,
        code: kind,
      };
    };
    const messages: Array<{ key: string; value: unknown; code?: string }> = [];
    const every = Math.floor(VALID / BAD);
    let valid = 0;
    for (let i = 0; valid < VALID; i++) {
      const event = login(valid++);
      messages.push({ key: ssoEventKey(mine.tenantId, mine.ssoConnectionId, event.data.ssoAppId), value: event });
      if (valid % every === 0) messages.push(bad(valid));
    }
    const expected: Record<string, number> = {};
    for (const m of messages) if (m.code) expected[m.code] = (expected[m.code] ?? 0) + 1;
    await product.send(TOPICS.ssoEvents, messages);
    await settled(product);

    const dlq = await readTopic(
      dlqTopicOf(TOPICS.ssoEvents),
      (read) => read.length >= BAD,
      60_000,
      product.scope.topicPrefix,
    );
    const refused: Record<string, number> = {};
    for (const m of dlq) refused[m.headers['x-error-code']] = (refused[m.headers['x-error-code']] ?? 0) + 1;
    expect(dlq).toHaveLength(BAD);
    expect(refused).toEqual(expected);
    for (const m of dlq) expect(JSON.parse(m.value!).error.message.length).toBeGreaterThan(0);

    const db = new Client({ connectionString: product.scope.databaseUrl });
    await db.connect();
    const { rows } = await db.query(
      'select coalesce(sum(cardinality(quarters)), 0)::int as n from sso_ingest.login_history where tenant_id = $1',
      [mine.tenantId],
    );
    await db.end();
    expect(rows[0].n).toBe(VALID);
  }, 900_000);
});
