import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import {
  activityKey,
  connectorEventKey,
  dayUsers,
  deletePreview,
  dlqTopicOf,
  estimateAccuracy,
  instanceKey,
  newEvent,
  type Period,
  provisioning as provisioningAnswer,
  type RegistryConnectionEvent,
  TOPICS,
} from '@org/contracts';
import { aConnectionChange, anEstimateMessage, anInstanceMessage } from '@org/contracts/testing';
import { query } from '@org/database';
import { eventually, internalCall, produce, readTopic, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadResolverConfig } from '../src/config';
import { ExtendViewsService } from '../src/view/extend-views.service';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY);
const iso = (daysAgo: number, hour = 0) => new Date((today - daysAgo) * DAY + hour * 3_600_000).toISOString();
const day = (daysAgo: number) => iso(daysAgo).slice(0, 10);

describe('provisioning-resolver: the daily view (R8–R15)', () => {
  let app: INestApplication;
  let call: (tenantId: string) => ReturnType<typeof internalCall>;
  beforeAll(async () => {
    const started = await startTestService(AppModule.forRoot(loadResolverConfig()));
    app = started.app;
    call = (tenantId) => internalCall(started.url, tenantId);
  });
  afterAll(() => app?.close());
  const em = () => app.get<MikroORM>(MikroORM).em.fork();

  describe('one connection, step by step: each step goes on from the state the one before left', () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const connected = [{ from: iso(10), to: null }];
    const disconnected = [{ from: iso(10), to: iso(3, 12) }];

    const connectionEvent = (type: RegistryConnectionEvent['type'], effectiveAt: string, periods: Period[]) => ({
      key: instanceKey(tenantId, instanceId),
      value: aConnectionChange(type, {
        tenantId,
        data: { connectionId, instanceId, appKey: 'figma', kind: 'engagement', vendor: 'figma', effectiveAt, periods },
      }),
    });
    const snapshot = (
      syncId: string,
      asOf: string,
      page: number,
      pageCount: number,
      users: Array<[string, string | null, string]>,
      tenant = tenantId,
    ) => ({
      key: connectorEventKey(tenant, connectionId),
      value: newEvent('connector.snapshot', tenant, {
        connectionId,
        syncId,
        asOf,
        page,
        pageCount,
        users: users.map(([userId, tier, status]) => ({ userId, email: `${userId}@acme.test`, tier, status })),
      }),
    });
    // A DLQ message of this connection's snapshot `syncId` (other tests of the file send snapshots too).
    const ofSync = (syncId: string) => (m: { value: string | null }) =>
      m.value?.includes(connectionId) === true && m.value.includes(`\\"syncId\\":\\"${syncId}\\"`);
    const provisioning = async (from: string, to: string) => {
      const res = await call(tenantId)('GET', `/v1/instances/${instanceId}/provisioning?from=${from}&to=${to}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    it('shows the estimate, then waiting snapshots once their connection is known, with tiers, staleness and usage', async () => {
      // No first login known (a message from before firstLoginAt existed): activeUsers stays null.
      await produce(TOPICS.ssoInstances, [
        anInstanceMessage(tenantId, { instanceId, ssoAppId: 'figma-1', appKey: 'figma', lastLoginAt: iso(1) }),
      ]);
      await produce(
        TOPICS.ssoEstimates,
        ['u1', 'u2', 'u3'].map((userId) =>
          anEstimateMessage(tenantId, instanceId, userId, [{ from: day(30), to: null }]),
        ),
      );
      await produce(TOPICS.ssoActivity, [
        {
          key: activityKey(tenantId, instanceId, day(5)),
          value: newEvent('sso.activity', tenantId, { instanceId, day: day(5), activeUsers: 2 }),
        },
      ]);
      // Snapshots before their connection is known (R15), the second page of one first.
      await produce(TOPICS.connectorSnapshots, [
        snapshot('s2', iso(6, 9), 1, 1, [
          ['u1', 'Pro', 'active'],
          ['u2', 'Pro', 'active'],
          ['u3', 'Viewer', 'active'],
        ]),
        snapshot('s1', iso(8, 9), 2, 2, [['u4', 'Pro', 'suspended']]),
        snapshot('s1', iso(8, 9), 1, 2, [
          ['u1', 'Pro', 'active'],
          ['u2', 'Viewer', 'active'],
        ]),
      ]);
      await produce(TOPICS.connectorUsage, [
        {
          key: connectorEventKey(tenantId, connectionId),
          value: newEvent('connector.usage', tenantId, { connectionId, userId: 'u1', day: day(7), events: 5 }),
        },
        {
          key: connectorEventKey(tenantId, connectionId),
          value: newEvent('connector.usage', tenantId, { connectionId, userId: 'u2', day: day(7), events: 0 }),
        },
      ]);
      await eventually(async () => {
        const [{ n }] = await query<{ n: number }>(
          em(),
          'select count(*)::int as n from snapshot_page where connection_id = ?',
          [connectionId],
        );
        expect(n).toBe(3);
        return true;
      });
      await produce(TOPICS.registryConnections, [
        connectionEvent('connection.connected', iso(10), connected),
        connectionEvent('connection.disconnected', iso(3, 12), disconnected),
      ]);

      const expected = [
        { daysAgo: 12, source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: false, staleDays: null },
        { daysAgo: 10, source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: true, staleDays: null },
        { daysAgo: 9, source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: true, staleDays: null },
        { daysAgo: 8, source: 'connector', provisionedUsers: 2, tiers: { Pro: 1, Viewer: 1 }, staleDays: 0 },
        { daysAgo: 7, source: 'connector', provisionedUsers: 2, activeUsers: 1, staleDays: 1 },
        { daysAgo: 6, source: 'connector', provisionedUsers: 3, tiers: { Pro: 2, Viewer: 1 }, staleDays: 0 },
        { daysAgo: 5, source: 'connector', provisionedUsers: 3, activeUsers: 2, staleDays: 1 },
        { daysAgo: 4, source: 'connector', provisionedUsers: 3, staleDays: 2 },
        { daysAgo: 3, source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: false },
        { daysAgo: 0, source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: false },
      ];
      const body = await eventually(async () => {
        const b = await provisioning(day(12), day(0));
        const byDay = new Map(b.days.map((d: { day: string }) => [d.day, d]));
        for (const { daysAgo, ...want } of expected) expect(byDay.get(day(daysAgo))).toMatchObject(want);
        return b;
      });
      expect(body).toMatchObject({ instanceId, rebuild: { status: 'idle', generation: 1 } });
      expect(provisioningAnswer.safeParse(body).error).toBeUndefined();
      expect(body.days).toHaveLength(13);
      expect(body.days.find((d: { day: string }) => d.day === day(8))).toEqual({
        day: day(8),
        source: 'connector',
        connectionId,
        connectionKind: 'engagement',
        provisionedUsers: 2,
        tiers: { Pro: 1, Viewer: 1 },
        activeUsers: null,
        staleDays: 0,
        awaitingFirstSync: false,
      });
      expect(body.days.find((d: { day: string }) => d.day === day(12))).toMatchObject({
        connectionId: null,
        connectionKind: null,
        tiers: null,
      });
    });

    it('refuses snapshots dated in the future, naming another tenant’s connection, or outside every connected period', async () => {
      await produce(TOPICS.connectorSnapshots, [
        snapshot('future', new Date(Date.now() + 3_600_000).toISOString(), 1, 1, [['u9', null, 'active']]),
        snapshot('foreign', iso(5), 1, 1, [['u9', null, 'active']], 'tenant-other'),
        snapshot('before', iso(20), 1, 1, [['u9', null, 'active']]),
      ]);
      const dlq = await readTopic(dlqTopicOf(TOPICS.connectorSnapshots), (ms) =>
        ['future', 'foreign', 'before'].every((s) => ms.some(ofSync(s))),
      );
      const codeOf = (syncId: string) => JSON.parse(dlq.find(ofSync(syncId))!.value!).error.code;
      expect(codeOf('future')).toBe('DATED_IN_FUTURE');
      expect(codeOf('foreign')).toBe('TENANT_MISMATCH');
      expect(codeOf('before')).toBe('OUTSIDE_CONNECTED_PERIOD');
      const body = await provisioning(day(21), day(19));
      expect(body.days.map((d: { source: string }) => d.source)).toEqual([
        'sso_estimate',
        'sso_estimate',
        'sso_estimate',
      ]);
      expect((await provisioning(day(8), day(8))).days[0].provisionedUsers).toBe(2);
    });

    it('lists the users of a day in pages, from the snapshot shown or from the estimate', async () => {
      const first = await call(tenantId)('GET', `/v1/instances/${instanceId}/provisioning/${day(6)}/users?limit=2`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        day: day(6),
        source: 'connector',
        items: [
          { userId: 'u1', email: 'u1@acme.test', tier: 'Pro' },
          { userId: 'u2', email: 'u2@acme.test', tier: 'Pro' },
        ],
      });
      expect(dayUsers.safeParse(first.body).error).toBeUndefined();
      const second = await call(tenantId)(
        'GET',
        `/v1/instances/${instanceId}/provisioning/${day(6)}/users?limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body).toEqual({
        day: day(6),
        source: 'connector',
        items: [{ userId: 'u3', email: 'u3@acme.test', tier: 'Viewer' }],
        nextCursor: null,
      });
      // Parameters given empty, as SPEC §5 writes the call, count as not given.
      const empty = await call(tenantId)(
        'GET',
        `/v1/instances/${instanceId}/provisioning/${day(6)}/users?limit=&cursor=`,
      );
      expect([empty.status, empty.body.items.length, empty.body.nextCursor]).toEqual([200, 3, null]);
      const estimated = await call(tenantId)('GET', `/v1/instances/${instanceId}/provisioning/${day(12)}/users`);
      expect(estimated.body.items).toEqual(
        ['u1', 'u2', 'u3'].map((u) => ({ userId: u, email: `${u}@acme.test`, tier: null })),
      );
      const suspendedNotListed = await call(tenantId)(
        'GET',
        `/v1/instances/${instanceId}/provisioning/${day(8)}/users`,
      );
      expect(suspendedNotListed.body.items.map((u: { userId: string }) => u.userId)).toEqual(['u1', 'u2']);
    });

    it('compares the estimate with the connector on days that have both', async () => {
      const res = await call(tenantId)(
        'GET',
        `/v1/instances/${instanceId}/estimate-accuracy?from=${day(8)}&to=${day(6)}`,
      );
      expect(res.status).toBe(200);
      expect(estimateAccuracy.safeParse(res.body).error).toBeUndefined();
      expect(res.body.days).toEqual([
        { day: day(8), precision: 2 / 3, recall: 1, onlyInEstimate: 1, onlyInConnector: 0 },
        { day: day(7), precision: 2 / 3, recall: 1, onlyInEstimate: 1, onlyInConnector: 0 },
        { day: day(6), precision: 1, recall: 1, onlyInEstimate: 0, onlyInConnector: 0 },
      ]);
    });

    it('answers bad input with 400 and another tenant’s instance with 404', async () => {
      const bad = await call(tenantId)('GET', `/v1/instances/${instanceId}/provisioning?from=2026-13-01`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      const tooLong = await call(tenantId)(
        'GET',
        `/v1/instances/${instanceId}/provisioning?from=2000-01-01&to=2020-01-01`,
      );
      expect(tooLong.status).toBe(400);
      const cursor = await call(tenantId)('GET', `/v1/instances/${instanceId}/provisioning/${day(6)}/users?cursor=!!`);
      expect(cursor.status).toBe(400);
      expect((await call(tenantId)('GET', '/v1/instances/not-an-id/provisioning')).status).toBe(404);
      const other = await call('tenant-other')('GET', `/v1/instances/${instanceId}/provisioning`);
      expect(other.status).toBe(404);
      const preview = await call('tenant-other')('GET', `/v1/connections/${connectionId}/delete-preview`);
      expect(preview.status).toBe(404);
    });

    it('previews a delete, then on delete purges the connection’s data and switches to a rebuilt generation once', async () => {
      const preview = await call(tenantId)('GET', `/v1/connections/${connectionId}/delete-preview`);
      expect(preview.status).toBe(200);
      expect(deletePreview.safeParse(preview.body).error).toBeUndefined();
      expect(preview.body.days.map((d: { day: string }) => d.day)).toEqual([10, 9, 8, 7, 6, 5, 4].map(day));
      expect(preview.body.days[2]).toEqual({
        day: day(8),
        before: { source: 'connector', provisionedUsers: 2 },
        after: { source: 'sso_estimate', provisionedUsers: 3 },
      });

      const deleted = connectionEvent('connection.deleted', iso(2), disconnected);
      await produce(TOPICS.registryConnections, [deleted, deleted]);
      const body = await eventually(async () => {
        const b = await provisioning(day(12), day(0));
        expect(b.rebuild).toEqual({ status: 'idle', progress: 1, generation: 2 });
        return b;
      });
      for (const d of body.days)
        expect(d).toMatchObject({ source: 'sso_estimate', provisionedUsers: 3, awaitingFirstSync: false });
      for (const table of ['connector_user_range', 'connector_snapshot', 'usage_fact', 'snapshot_page']) {
        const [{ n }] = await query<{ n: number }>(
          em(),
          `select count(*)::int as n from ${table} where connection_id = ?`,
          [connectionId],
        );
        expect({ table, n }).toEqual({ table, n: 0 });
      }
      const views = await readTopic(TOPICS.resolverViews, (ms) =>
        ms.some((m) => m.value?.includes('view.rebuild.finished') && m.value.includes(instanceId)),
      );
      const rebuildEvents = views
        .map((m) => JSON.parse(m.value!))
        .filter((e) => e.data?.instanceId === instanceId && e.type.startsWith('view.rebuild'));
      expect(rebuildEvents.map((e) => e.type)).toEqual([
        'view.rebuild.started',
        'view.rebuild.progressed',
        'view.rebuild.finished',
      ]);
      expect(rebuildEvents[2].data).toMatchObject({
        connectionId,
        reason: 'connection_deleted',
        generation: 2,
        progress: 1,
      });

      // A delete event again changes nothing; a snapshot for the deleted connection is refused.
      await produce(TOPICS.registryConnections, [deleted]);
      await produce(TOPICS.connectorSnapshots, [snapshot('late', iso(1), 1, 1, [['u1', 'Pro', 'active']])]);
      const dlq = await readTopic(dlqTopicOf(TOPICS.connectorSnapshots), (ms) => ms.some(ofSync('late')));
      expect(JSON.parse(dlq.find(ofSync('late'))!.value!).error.code).toBe('CONNECTION_DELETED');
      expect((await provisioning(day(1), day(1))).rebuild.generation).toBe(2);
    });
  });

  it('moves the days with the tenant’s time zone, rebuilding its views in a new generation', async () => {
    const tenant = `tenant-${randomUUID().slice(0, 8)}`;
    const instance = randomUUID();
    const connection = randomUUID();
    const connectedAt = iso(5, 20); // 20:00 UTC: the same day in UTC, the next one in Tokyo
    await produce(TOPICS.registryConnections, [
      {
        key: instanceKey(tenant, instance),
        value: aConnectionChange('connection.connected', {
          tenantId: tenant,
          data: {
            connectionId: connection,
            instanceId: instance,
            supportsLicenseTiers: false,
            effectiveAt: connectedAt,
            periods: [{ from: connectedAt, to: null }],
          },
        }),
      },
    ]);
    await produce(TOPICS.connectorSnapshots, [
      {
        key: connectorEventKey(tenant, connection),
        value: newEvent('connector.snapshot', tenant, {
          connectionId: connection,
          syncId: 'tz',
          asOf: iso(5, 21),
          page: 1,
          pageCount: 1,
          // A tier with characters JSON and SQL must both keep as they are.
          users: [{ userId: 'a', email: 'a@acme.test', tier: 'Pro, "Plus"\n\\2', status: 'active' }],
        }),
      },
    ]);
    const read = async () =>
      (await call(tenant)('GET', `/v1/instances/${instance}/provisioning?from=${day(6)}&to=${day(4)}`)).body;
    await eventually(async () => {
      const b = await read();
      expect(b.days.map((d: { source: string }) => d.source)).toEqual(['sso_estimate', 'connector', 'connector']);
      return true;
    });
    await produce(TOPICS.tenants, [
      {
        key: tenant,
        value: newEvent('tenant.changed', tenant, { name: 'T', timeZone: 'Asia/Tokyo', estimateWindowDays: 120 }),
      },
    ]);
    const after = await eventually(async () => {
      const b = await read();
      expect(b.rebuild).toMatchObject({ status: 'idle', generation: 2 });
      return b;
    });
    const users = await call(tenant)('GET', `/v1/instances/${instance}/provisioning/${day(4)}/users`);
    expect(users.body.items).toEqual([{ userId: 'a', email: 'a@acme.test', tier: 'Pro, "Plus"\n\\2' }]);
    expect(after.days.map((d: { source: string; staleDays: number | null }) => [d.source, d.staleDays])).toEqual([
      ['sso_estimate', null],
      ['sso_estimate', null],
      ['connector', 0],
    ]);
  });

  it('brings views up to today when a new day begins, without any new fact', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    await produce(TOPICS.ssoEstimates, [anEstimateMessage(tenantId, instanceId, 'u1', [{ from: day(10), to: null }])]);
    const rows = async (on = em()) =>
      (
        await query<{ n: number }>(
          on,
          `select count(*)::int as n from view_day v join view_state s using (instance_id)
           where v.instance_id = ? and v.generation = s.generation and v.day > ?::date`,
          [instanceId, day(3)],
        )
      )[0].n;
    await eventually(async () => (await rows()) === 3, 30_000);
    // As if the last days had not begun yet when the view was last touched. One transaction holding
    // the view's state row: the service's own minute loop (or a late refresh) cannot extend the view
    // between the rewind and the count.
    await em().transactional(async (tx) => {
      await query(tx, `select 1 from view_state where instance_id = ? for update`, [instanceId]);
      await query(tx, `delete from view_day where instance_id = ? and day > ?::date`, [instanceId, day(3)]);
      await query(tx, `update view_state set last_day = ?::date where instance_id = ?`, [day(3), instanceId]);
      expect(await rows(tx)).toBe(0);
    });
    // The service's own minute loop may hold the view's row for a moment (extendBatch skips
    // locked views, as replicas do): try again until the view is brought up to today.
    await eventually(async () => {
      while ((await app.get(ExtendViewsService).extendBatch()) > 0);
      // The three days after day(3) — one more for each midnight since this file began.
      expect(await rows()).toBe(3 + Math.floor(Date.now() / DAY) - today);
      return true;
    });
  });
});
