// DLQ redrive end to end (npm run dlq, issue 21): a snapshot whose connection the resolver does
// not know in time goes to connector.snapshots.v1.dlq; once the connection is known, `redrive`
// sends it back and the view shows it. A message refused again after 3 redrives stays.
import { connectorEventKey, ssoEventKey, TOPICS } from '@org/contracts';
import { aLogin, aSnapshotPage } from '@org/contracts/testing';
import { eventually, gatewayCall, metricSample, produce, type Product, scopeEnv, startProduct } from '@org/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const root = join(__dirname, '../..');

describe('npm run dlq: list and redrive', () => {
  let product: Product;
  beforeAll(async () => {
    // A short bound on waiting for an unknown connection (SPEC §4), so the refusal comes in seconds.
    product = await startProduct({ env: { RESOLVER_CONNECTION_WAIT_MS: '1500' } });
  }, 180_000);
  afterAll(() => Promise.all(product.all.map((s) => s.stop())));

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(product.gateway.url)(method, path, key, body);
  /** The tool as an operator runs it, against this file's topics; its JSON answer. */
  async function dlq(...args: string[]) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/dlq.ts', ...args, '--json'],
      { cwd: root, env: { ...process.env, ...scopeEnv(product.scope), LOG_LEVEL: 'warn' } },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }
  const depth = async (topic: string) => {
    const resolver = product.all.find((s) => s.name === 'provisioning-resolver')!;
    return metricSample(await (await fetch(`${resolver.url}/metrics`)).text(), 'kafka_dlq_depth', { topic }) ?? 0;
  };

  it('sends a snapshot refused for its unknown connection back once the connection is known, and the view shows it', async () => {
    const { tenantId, apiKey } = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: 'Redrive' }))
      .body;
    const sso = (await api('POST', '/v1/sso-connections', apiKey, { platform: 'okta', name: 'Okta' })).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'sf', appKey: 'salesforce', appName: 'Salesforce' };
    await produce(TOPICS.ssoEvents, [
      {
        key: ssoEventKey(tenantId, sso.id, 'sf'),
        value: aLogin({ tenantId, data: { ...app, userId: 'ann', email: 'ann@r.test', method: 'sso' } }),
      },
    ]);
    const instanceId = await eventually(
      async () => (await api('GET', '/v1/applications', apiKey)).body.items[0]?.instances[0]?.instanceId,
    );

    // The registry's events held up (its outbox relay cannot take its lock): the resolver does not
    // hear of the new connection, as during a registry outage.
    const db = new Client({ connectionString: product.scope.databaseUrl });
    await db.connect();
    const relayLock = `select %s(hashtext('connector_registry.outbox_event'))`;
    try {
      await db.query(relayLock.replace('%s', 'pg_advisory_lock'));
      const connection = await eventually(async () => {
        const r = await api('POST', '/v1/connections', apiKey, {
          instanceId,
          kind: 'provisioning',
          vendor: 'salesforce',
          supportsLicenseTiers: true,
        });
        return r.status === 201 ? r.body : null;
      });
      const users = ['ann', 'bob', 'cid'].map((u) => ({
        userId: `sf-${u}`,
        email: `${u}@r.test`,
        tier: 'Pro',
        status: 'active' as const,
      }));
      await produce(TOPICS.connectorSnapshots, [
        {
          key: connectorEventKey(tenantId, connection.id),
          value: aSnapshotPage({
            tenantId,
            data: { connectionId: connection.id, asOf: new Date().toISOString(), users },
          }),
        },
      ]);
      // Given up after the wait: in the DLQ, counted at /metrics, listed by reason.
      await eventually(async () => (await depth(TOPICS.connectorSnapshots)) === 1, 30_000, 250);
      const listed = await dlq('list', TOPICS.connectorSnapshots);
      expect(listed).toMatchObject({
        total: 1,
        reasons: [{ code: 'UNKNOWN_CONNECTION', count: 1, tenants: [tenantId] }],
      });
      expect((await dlq('list', TOPICS.connectorSnapshots, '--tenant', 'someone-else')).total).toBe(0);
      expect((await dlq('list', TOPICS.connectorSnapshots, '--reason', 'INVALID_PAYLOAD')).total).toBe(0);

      // Not known to the resolver yet: today shows the estimate alone.
      const today = new Date().toISOString().slice(0, 10);
      const view = () => api('GET', `/v1/instances/${instanceId}/provisioning?from=${today}&to=${today}`, apiKey);
      expect((await view()).body.days[0].awaitingFirstSync).toBe(false);
      // The registry's events flow again: the connection is known (its first day awaits a sync).
      await db.query(relayLock.replace('%s', 'pg_advisory_unlock'));
      await eventually(async () => (await view()).body.days?.[0]?.awaitingFirstSync === true, 30_000);
      expect((await view()).body.days[0]).toMatchObject({ source: 'sso_estimate', connectionId: null });

      expect(
        await dlq('redrive', TOPICS.connectorSnapshots, '--since', new Date(Date.now() - 600_000).toISOString()),
      ).toEqual({
        topic: TOPICS.connectorSnapshots,
        redriven: 1,
        exhausted: 0,
        cut: 0,
      });
      const day = await eventually(async () => {
        const shown = (await view()).body.days[0];
        return shown.source === 'connector' ? shown : null;
      }, 30_000);
      expect(day).toMatchObject({ connectionId: connection.id, provisionedUsers: 3, tiers: { Pro: 3 } });
    } finally {
      await db.end();
    }
  }, 180_000);

  it('keeps a message in the DLQ once it was refused again after 3 redrives', async () => {
    const tenantId = 'tenant-of-a-broken-connector';
    // A snapshot the contract refuses (a user without an id): INVALID_PAYLOAD, however often it comes back.
    const broken = aSnapshotPage({ tenantId, data: { connectionId: randomUUID() } });
    (broken.data.users as unknown[]) = [{ email: 'x@b.test' }];
    await produce(TOPICS.connectorSnapshots, [
      { key: connectorEventKey(tenantId, broken.data.connectionId), value: broken },
    ]);
    const refusals = async () => (await dlq('list', TOPICS.connectorSnapshots, '--reason', 'INVALID_PAYLOAD')).total;
    await eventually(async () => (await refusals()) === 1, 30_000, 250);
    for (let redrive = 1; redrive <= 3; redrive++) {
      expect(await dlq('redrive', TOPICS.connectorSnapshots, '--reason', 'INVALID_PAYLOAD')).toMatchObject({
        redriven: 1,
        exhausted: 0,
      });
      await eventually(async () => (await refusals()) === redrive + 1, 30_000, 250);
    }
    expect(await dlq('redrive', TOPICS.connectorSnapshots, '--reason', 'INVALID_PAYLOAD')).toMatchObject({
      redriven: 0,
      exhausted: 1,
    });
  }, 180_000);

  it('refuses an unknown command, topic or option with its usage', async () => {
    for (const args of [
      ['peek', TOPICS.connectorSnapshots],
      ['list', 'no.such.topic'],
      ['list', TOPICS.connectorSnapshots, '--colour', 'red'],
    ]) {
      const failed = await dlq(...args).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toContain('usage: npm run dlq');
    }
  });
});
