import type { INestApplication } from '@nestjs/common';
import {
  connectorEventKey,
  instanceIdOf,
  ssoActivitySchema,
  ssoEstimateSchema,
  ssoEventKey,
  ssoUserActivitySchema,
  TOPICS,
} from '@org/contracts';
import { aLogin, anAssignmentPage } from '@org/contracts/testing';
import { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { eventually, internalCall, produce, readTopic, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadSsoIngestConfig } from '../src/config';

describe('sso-ingest: estimates (R1) and activity over Kafka', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadSsoIngestConfig())));
  });
  afterAll(() => app?.close());
  const em = () => app.get<MikroORM>(MikroORM).em.fork();

  async function newInstance() {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const call = internalCall(url, tenantId);
    const sso = (await call('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta' })).body;
    const ssoAppId = `app-${randomUUID().slice(0, 6)}`;
    const instanceId = instanceIdOf(tenantId, sso.id, ssoAppId);
    const key = ssoEventKey(tenantId, sso.id, ssoAppId);
    const login = (userId: string, at: string, method: 'sso' | 'social' = 'sso') =>
      aLogin({
        tenantId,
        data: { ssoConnectionId: sso.id, ssoAppId, userId, email: `${userId}@acme.test`, at, method },
      });
    const page = (syncId: string, asOf: string, page: number, pageCount: number, userIds: string[]) =>
      anAssignmentPage({
        tenantId,
        data: {
          ssoConnectionId: sso.id,
          ssoAppId,
          syncId,
          asOf,
          page,
          pageCount,
          users: userIds.map((u) => ({ userId: u, email: `${u}@acme.test` })),
        },
      });
    return { tenantId, sso, call, instanceId, key, login, page };
  }

  /** The latest published estimate of each user of an instance (compacted topic: last one wins). */
  async function estimatesOf(instanceId: string, until: (latest: Map<string, unknown>) => boolean) {
    let latest = new Map<string, { from: string; to: string | null }[]>();
    await readTopic(TOPICS.ssoEstimates, (messages) => {
      latest = new Map();
      for (const m of messages) {
        const e = ssoEstimateSchema.parse(JSON.parse(m.value!));
        if (e.data.instanceId === instanceId) latest.set(e.data.userId, e.data.intervals);
      }
      return until(latest);
    });
    return latest;
  }

  it('estimates each user over the window after their logins, whatever the order and repeats, and counts active users per day', async () => {
    const { instanceId, key, login, tenantId } = await newInstance();
    const first = login('ann', '2026-11-01T10:00:00Z');
    const events = [
      login('bob', '2026-11-03T10:00:00Z'),
      first,
      first,
      login('ann', '2026-10-01T08:00:00Z'),
      login('cid', '2026-11-01T11:00:00Z', 'social'),
    ];
    await produce(
      TOPICS.ssoEvents,
      events.map((value) => ({ key, value })),
    );

    const latest = await estimatesOf(instanceId, (m) => m.has('ann') && m.has('bob'));
    // 120 days from each login day, the two windows of ann joined.
    expect(latest.get('ann')).toEqual([{ from: '2026-10-01', to: '2027-02-28' }]);
    expect(latest.get('bob')).toEqual([{ from: '2026-11-03', to: '2027-03-02' }]);
    expect(latest.has('cid')).toBe(false); // R2

    const activity = await readTopic(TOPICS.ssoActivity, (m) =>
      ['2026-10-01', '2026-11-01', '2026-11-03'].every((day) =>
        m.some((x) => x.value?.includes(instanceId) && x.value.includes(day)),
      ),
    );
    const counts = new Map(
      activity
        .map((m) => ssoActivitySchema.parse(JSON.parse(m.value!)))
        .filter((a) => a.data.instanceId === instanceId)
        .map((a) => [a.data.day, a.data.activeUsers]),
    );
    expect(Object.fromEntries(counts)).toEqual({ '2026-10-01': 1, '2026-11-01': 1, '2026-11-03': 1 });
    expect(activity.find((m) => m.value?.includes(instanceId))!.key).toMatch(new RegExp(`^${tenantId}:${instanceId}:`));
  });

  it("publishes each user's latest non-social login on sso.user-activity.v1, whatever the order and repeats (R17)", async () => {
    const { instanceId, key, login, tenantId } = await newInstance();
    const latest = login('ann', '2026-11-05T09:30:00Z');
    await produce(
      TOPICS.ssoEvents,
      [
        latest,
        login('ann', '2026-11-01T10:00:00Z'),
        latest,
        login('ann', '2026-11-07T10:00:00Z', 'social'), // R2: never counts
        login('bob', '2026-10-01T08:00:00Z'),
      ].map((value) => ({ key, value })),
    );
    // A later login of ann in the same quarter hour as an earlier one still moves it.
    await produce(TOPICS.ssoEvents, [{ key, value: login('ann', '2026-11-05T09:31:00Z') }]);
    const seen = new Map<string, { key: string; lastLoginAt: string; email: string }>();
    await readTopic(TOPICS.ssoUserActivity, (messages) => {
      for (const m of messages) {
        const e = ssoUserActivitySchema.parse(JSON.parse(m.value!));
        if (e.data.instanceId === instanceId)
          seen.set(e.data.userId, { key: m.key!, lastLoginAt: e.data.lastLoginAt, email: e.data.email });
      }
      return seen.get('ann')?.lastLoginAt === '2026-11-05T09:31:00.000Z' && seen.has('bob');
    });
    expect(seen.get('ann')).toEqual({
      key: `${tenantId}:${instanceId}:ann`,
      lastLoginAt: '2026-11-05T09:31:00.000Z',
      email: 'ann@acme.test',
    });
    expect(seen.get('bob')!.lastLoginAt).toBe('2026-10-01T08:00:00.000Z');
  });

  it('replaces the login estimate by a complete assignment list from its day on; an incomplete one changes nothing', async () => {
    const { instanceId, key, login, page } = await newInstance();
    await produce(TOPICS.ssoEvents, [{ key, value: login('ann', '2026-10-01T08:00:00Z') }]);
    await estimatesOf(instanceId, (m) => m.has('ann'));

    // Page 2 of 2 only: nothing applies yet.
    await produce(TOPICS.ssoEvents, [{ key, value: page('sync-1', '2026-11-15T12:00:00Z', 2, 2, ['bob']) }]);
    await produce(TOPICS.ssoEvents, [{ key, value: login('ann', '2026-10-02T08:00:00Z') }]); // a marker that the page was consumed
    const before = await estimatesOf(
      instanceId,
      (m) => JSON.stringify(m.get('ann')) === JSON.stringify([{ from: '2026-10-01', to: '2027-01-29' }]),
    );
    expect(before.has('bob')).toBe(false);

    await produce(TOPICS.ssoEvents, [{ key, value: page('sync-1', '2026-11-15T12:00:00Z', 1, 2, ['cid']) }]);
    const after = await estimatesOf(
      instanceId,
      (m) =>
        m.has('bob') &&
        m.has('cid') &&
        JSON.stringify(m.get('ann')) === JSON.stringify([{ from: '2026-10-01', to: '2026-11-14' }]),
    );
    expect(after.get('ann')).toEqual([{ from: '2026-10-01', to: '2026-11-14' }]);
    expect(after.get('bob')).toEqual([{ from: '2026-11-15', to: null }]);
    expect(after.get('cid')).toEqual([{ from: '2026-11-15', to: null }]);
  });

  it('derives again in the tenant time zone when the tenant changes it', async () => {
    const { instanceId, key, login, tenantId } = await newInstance();
    await produce(TOPICS.ssoEvents, [{ key, value: login('ann', '2026-11-01T23:30:00Z') }]);
    await estimatesOf(instanceId, (m) => m.has('ann'));
    await produce(TOPICS.tenants, [
      {
        key: tenantId,
        value: {
          id: randomUUID(),
          type: 'tenant.changed',
          version: 1,
          tenantId,
          occurredAt: new Date().toISOString(),
          data: { name: 'x', timeZone: 'Europe/Paris', estimateWindowDays: 10 },
        },
      },
    ]);
    const latest = await estimatesOf(
      instanceId,
      (m) => (m.get('ann') as Array<{ from: string }>)?.[0]?.from === '2026-11-02',
    );
    expect(latest.get('ann')).toEqual([{ from: '2026-11-02', to: '2026-11-11' }]);
  });

  it('refuses to delete an SSO connection while one of its instances holds a connection that is not deleted', async () => {
    const { tenantId, sso, call, instanceId, key, login } = await newInstance();
    await produce(TOPICS.ssoEvents, [{ key, value: login('ann', '2026-11-01T10:00:00Z') }]);
    await estimatesOf(instanceId, (m) => m.has('ann'));
    const connectionId = randomUUID();
    const lifecycle = (type: string, status: string) => ({
      key: connectorEventKey(tenantId, instanceId),
      value: {
        id: randomUUID(),
        type,
        version: 1,
        tenantId,
        occurredAt: new Date().toISOString(),
        data: {
          connectionId,
          instanceId,
          appKey: 'salesforce',
          kind: 'provisioning',
          vendor: 'acme',
          supportsLicenseTiers: true,
          status,
          effectiveAt: new Date().toISOString(),
          periods: [],
        },
      },
    });
    const statusOf = async () =>
      (
        await query<{ status: string }>(em(), 'select status from instance_connection where connection_id = ?', [
          connectionId,
        ])
      )[0]?.status;
    await produce(TOPICS.registryConnections, [lifecycle('connection.connected', 'connected')]);
    await eventually(async () => (await statusOf()) === 'connected');
    const refused = await call('DELETE', `/v1/sso-connections/${sso.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SSO_CONNECTION_IN_USE');

    await produce(TOPICS.registryConnections, [
      lifecycle('connection.disconnected', 'disconnected'),
      lifecycle('connection.deleted', 'deleted'),
    ]);
    await eventually(async () => (await statusOf()) === 'deleted');
    expect((await call('DELETE', `/v1/sso-connections/${sso.id}`)).status).toBe(204);
  });
});
