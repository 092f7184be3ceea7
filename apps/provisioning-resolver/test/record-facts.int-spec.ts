import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { activityKey, instanceKey, newEvent, type Period, type RegistryConnectionEvent, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { eventually, internalCall, produce, startTestService } from '@org/testing';
import { aConnectionChange, anEstimateMessage, anInstanceMessage } from '@org/contracts/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadResolverConfig } from '../src/config';

describe('provisioning-resolver: the facts its views come from', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadResolverConfig())));
  });
  afterAll(() => app?.close());
  const em = () => app.get<MikroORM>(MikroORM).em.fork();

  it('keeps the latest state of each connection, estimate, activity day and tenant; a deleted connection stays deleted', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const connection = (type: RegistryConnectionEvent['type'], effectiveAt: string, periods: Period[]) => ({
      key: instanceKey(tenantId, instanceId),
      value: aConnectionChange(type, { tenantId, data: { connectionId, instanceId, effectiveAt, periods } }),
    });
    const open = [{ from: '2026-01-01T00:00:00.000Z', to: null }];
    const closed = [{ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }];
    await produce(TOPICS.registryConnections, [
      connection('connection.connected', '2026-01-01T00:00:00.000Z', open),
      connection('connection.disconnected', '2026-02-01T00:00:00.000Z', closed),
      connection('connection.deleted', '2026-02-01T00:00:00.000Z', closed),
      connection('connection.connected', '2026-01-01T00:00:00.000Z', open), // a late replay
    ]);
    const estimate = (intervals: Array<{ from: string; to: string | null }>) =>
      anEstimateMessage(tenantId, instanceId, 'ann', intervals);
    await produce(TOPICS.ssoEstimates, [
      estimate([{ from: '2026-01-01', to: null }]),
      estimate([{ from: '2026-01-01', to: '2026-04-30' }]),
    ]);
    await produce(TOPICS.ssoActivity, [
      {
        key: activityKey(tenantId, instanceId, '2026-01-02'),
        value: newEvent('sso.activity', tenantId, { instanceId, day: '2026-01-02', activeUsers: 3 }),
      },
      {
        key: activityKey(tenantId, instanceId, '2026-01-02'),
        value: newEvent('sso.activity', tenantId, { instanceId, day: '2026-01-02', activeUsers: 4 }),
      },
    ]);
    await produce(TOPICS.tenants, [
      {
        key: tenantId,
        value: newEvent('tenant.changed', tenantId, { name: 'x', timeZone: 'Asia/Tokyo', estimateWindowDays: 30 }),
      },
    ]);

    await eventually(async () => {
      const [c] = await query<{ status: string }>(em(), 'select status from connection_fact where connection_id = ?', [
        connectionId,
      ]);
      const [e] = await query<{ days: string }>(em(), 'select days::text from estimate_fact where instance_id = ?', [
        instanceId,
      ]);
      const [a] = await query<{ active_users: number }>(
        em(),
        'select active_users from activity_fact where instance_id = ?',
        [instanceId],
      );
      const [t] = await query<{ time_zone: string }>(
        em(),
        'select time_zone from tenant_settings where tenant_id = ?',
        [tenantId],
      );
      expect(c?.status).toBe('deleted');
      expect(e?.days).toBe('{[2026-01-01,2026-05-01)}'); // the last day, 04-30, included
      expect(a?.active_users).toBe(4);
      expect(t?.time_zone).toBe('Asia/Tokyo');
      return true;
    });
  });

  it('knows active users from the first login of any kind on: null before it, 0 on a quiet day, and moves with an earlier one (R14)', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const ssoConnectionId = randomUUID();
    const changed = (firstLoginAt: string) =>
      anInstanceMessage(tenantId, {
        instanceId,
        ssoConnectionId,
        ssoAppId: 'miro-1',
        lastLoginAt: `${daysAgo(1)}T12:00:00.000Z`,
        firstLoginAt,
      });
    await produce(TOPICS.ssoEstimates, [
      anEstimateMessage(tenantId, instanceId, 'ann', [{ from: daysAgo(9), to: null }]),
    ]);
    await produce(TOPICS.ssoActivity, [
      {
        key: activityKey(tenantId, instanceId, daysAgo(3)),
        value: newEvent('sso.activity', tenantId, { instanceId, day: daysAgo(3), activeUsers: 2 }),
      },
    ]);
    await produce(TOPICS.ssoInstances, [changed(`${daysAgo(5)}T08:00:00.000Z`)]);
    const active = async (want: Array<number | null>) =>
      eventually(async () => {
        const view = await internalCall(url, tenantId)(
          'GET',
          `/v1/instances/${instanceId}/provisioning?from=${daysAgo(7)}&to=${daysAgo(1)}`,
        );
        expect(view.body.days?.map((d: { activeUsers: number | null }) => d.activeUsers)).toEqual(want);
        return true;
      });
    // Days 7…1 ago: nothing known before the first login 5 days ago; 2 active 3 days ago.
    await active([null, null, 0, 0, 2, 0, 0]);
    // A later state with an earlier first login (a late event, a social login): two more days known.
    await produce(TOPICS.ssoInstances, [changed(`${daysAgo(7)}T08:00:00.000Z`)]);
    await active([0, 0, 0, 0, 2, 0, 0]);
  });

  it('records a connection that has no period yet, which shows on no day', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const from = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    await produce(TOPICS.ssoEstimates, [anEstimateMessage(tenantId, instanceId, 'ann', [{ from, to: null }])]);
    await produce(TOPICS.registryConnections, [
      {
        key: instanceKey(tenantId, instanceId),
        value: aConnectionChange('connection.connected', { tenantId, data: { connectionId, instanceId, periods: [] } }),
      },
    ]);
    await eventually(async () => {
      const rows = await query(em(), 'select 1 from connection_fact where connection_id = ?', [connectionId]);
      return rows.length === 1;
    });
    // Both facts applied (they travel on different topics): the estimate on every day, none awaiting a sync.
    await eventually(async () => {
      const view = await internalCall(url, tenantId)('GET', `/v1/instances/${instanceId}/provisioning?from=${from}`);
      expect(view.status).toBe(200);
      expect(view.body.days.length).toBeGreaterThanOrEqual(6);
      for (const day of view.body.days)
        expect(day).toMatchObject({
          source: 'sso_estimate',
          connectionId: null,
          provisionedUsers: 1,
          awaitingFirstSync: false,
        });
      return true;
    });
  });
});
