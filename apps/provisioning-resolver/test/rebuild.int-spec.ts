// R12: a deleted connection's view is rebuilt into a new generation, step by step; readers
// see the old generation whole until the switch, and a resolver killed mid-rebuild finishes
// it after a restart.
import { connectorEventKey, instanceKey, newEvent, TOPICS } from '@org/contracts';
import {
  eventually,
  internalCall,
  produce,
  type ServiceProcess,
  startServiceProcess,
  startTestService,
} from '@org/testing';
import { aConnectionChange, anEstimateMessage } from '@org/contracts/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadResolverConfig } from '../src/config';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY);
const isoDay = (daysAgo: number) => new Date((today - daysAgo) * DAY).toISOString().slice(0, 10);
const YEARS_3 = 3 * 365;

describe('provisioning-resolver: rebuilding a view after a delete (R12)', () => {
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query('set search_path to provisioning_resolver');
  }, 120_000);
  afterAll(() => db?.end());

  /** Three years of one instance: 3 estimated users, and a connection showing 5 until it was disconnected 2 days ago. */
  async function threeYearsConnected() {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const from = new Date((today - YEARS_3) * DAY).toISOString();
    const to = new Date((today - 2) * DAY).toISOString();
    const connection = (type: 'connection.disconnected' | 'connection.deleted') => ({
      key: instanceKey(tenantId, instanceId),
      value: aConnectionChange(type, {
        tenantId,
        data: { connectionId, instanceId, effectiveAt: to, periods: [{ from, to }] },
      }),
    });
    await produce(
      TOPICS.ssoEstimates,
      ['e1', 'e2', 'e3'].map((userId) =>
        anEstimateMessage(tenantId, instanceId, userId, [{ from: isoDay(YEARS_3), to: null }]),
      ),
    );
    await produce(TOPICS.registryConnections, [connection('connection.disconnected')]);
    await produce(TOPICS.connectorSnapshots, [
      {
        key: connectorEventKey(tenantId, connectionId),
        value: newEvent('connector.snapshot', tenantId, {
          connectionId,
          syncId: 'first',
          asOf: new Date((today - YEARS_3) * DAY + 3_600_000).toISOString(),
          page: 1,
          pageCount: 1,
          users: ['s1', 's2', 's3', 's4', 's5'].map((u) => ({
            userId: u,
            email: `${u}@acme.test`,
            tier: 'Pro',
            status: 'active',
          })),
        }),
      },
    ]);
    // The old generation, whole: connector days from the connect day to the day before the disconnect day.
    await eventually(async () => {
      const { rows } = await db.query(
        `select count(*) filter (where source = 'connector')::int as connector,
                count(*) filter (where source = 'sso_estimate' and provisioned_users = 3)::int as estimated,
                max(day)::text as last
         from view_day where instance_id = $1`,
        [instanceId],
      );
      // Estimates and the connection arrive on different topics: wait for both.
      return rows[0].connector === YEARS_3 - 2 && rows[0].estimated === 3 && rows[0].last >= isoDay(0); // later if the run crossed midnight
    }, 30_000);
    return { tenantId, instanceId, connectionId, deleted: connection('connection.deleted') };
  }

  it('lets readers see the old generation whole, then the new one, never a mix', async () => {
    const { app, url } = await startTestService(
      AppModule.forRoot(loadResolverConfig({ ...process.env, RESOLVER_REBUILD_STEP_DAYS: '10' })),
    );
    try {
      const { tenantId, instanceId, connectionId, deleted } = await threeYearsConnected();
      const call = internalCall(url, tenantId);
      const read = async () => {
        const res = await call(
          'GET',
          `/v1/instances/${instanceId}/provisioning?from=${isoDay(YEARS_3)}&to=${isoDay(0)}`,
        );
        expect(res.status).toBe(200);
        return res.body as {
          rebuild: { status: string; progress: number; generation: number };
          days: Array<{ source: string; provisionedUsers: number; connectionId: string | null }>;
        };
      };
      await produce(TOPICS.registryConnections, [deleted]);
      const seen: Array<{ status: string; progress: number; generation: number; connectorDays: number }> = [];
      for (let done = false; !done;) {
        const body = await read();
        const connectorDays = body.days.filter((d) => d.source === 'connector').length;
        seen.push({ ...body.rebuild, connectorDays });
        if (body.rebuild.generation === 1) {
          // The old generation, whole: the connection's days as before the delete.
          expect(connectorDays).toBe(YEARS_3 - 2);
          for (const d of body.days) {
            if (d.source === 'connector') expect(d).toMatchObject({ provisionedUsers: 5, connectionId });
            else expect(d.provisionedUsers).toBe(3);
          }
        } else {
          expect(body.rebuild.generation).toBe(2);
          expect(body.days.every((d) => d.source === 'sso_estimate' && d.provisionedUsers === 3)).toBe(true);
          done = body.rebuild.status === 'idle';
        }
        if (seen.length > 5000) throw new Error('the rebuild never finished');
      }
      const during = seen.filter((s) => s.status === 'rebuilding');
      expect(during.length).toBeGreaterThan(2);
      expect(during.some((s) => s.progress > 0 && s.progress < 1)).toBe(true);
      const progress = during.map((s) => s.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const { rows } = await db.query('select distinct generation from view_day where instance_id = $1', [instanceId]);
      expect(rows).toEqual([{ generation: 2 }]);
    } finally {
      await app.close();
    }
  });

  it('finishes a rebuild after the resolver is killed in the middle of it', async () => {
    const env = { RESOLVER_REBUILD_STEP_DAYS: '4' };
    let resolver: ServiceProcess = await startServiceProcess(
      'provisioning-resolver',
      'PROVISIONING_RESOLVER_PORT',
      env,
    );
    try {
      const { tenantId, instanceId, connectionId, deleted } = await threeYearsConnected();
      await produce(TOPICS.registryConnections, [deleted]);
      const state = async () =>
        (
          await db.query(
            'select generation, rebuild_generation, rebuild_progress from view_state where instance_id = $1',
            [instanceId],
          )
        ).rows[0];
      await eventually(async () => (await state()).rebuild_progress > 0.05, 30_000, 5);
      resolver.process.kill('SIGKILL');
      await new Promise((resolve) => resolver.process.once('exit', resolve));

      const killed = await state();
      expect(killed).toMatchObject({ generation: 1, rebuild_generation: 2 });
      expect(killed.rebuild_progress).toBeLessThan(1);
      const { rows: old } = await db.query(
        `select count(*)::int as n from view_day where instance_id = $1 and generation = 1 and source = 'connector'`,
        [instanceId],
      );
      expect(old[0].n).toBe(YEARS_3 - 2);

      resolver = await startServiceProcess('provisioning-resolver', 'PROVISIONING_RESOLVER_PORT', env);
      await eventually(async () => (await state()).generation === 2, 60_000, 100);
      expect(await state()).toMatchObject({ generation: 2, rebuild_generation: null });
      const body = (
        await internalCall(resolver.url, tenantId)(
          'GET',
          `/v1/instances/${instanceId}/provisioning?from=${isoDay(YEARS_3)}&to=${isoDay(0)}`,
        )
      ).body;
      expect(body.rebuild).toEqual({ status: 'idle', progress: 1, generation: 2 });
      expect(body.days.every((d: { source: string }) => d.source === 'sso_estimate')).toBe(true);
      const { rows: left } = await db.query(
        `select (select count(distinct user_id) from connector_user_range where connection_id = $1)::int as users,
                (select count(*) from view_day where instance_id = $2 and generation <> 2)::int as stale_days`,
        [connectionId, instanceId],
      );
      expect(left).toEqual([{ users: 0, stale_days: 0 }]);
    } finally {
      await resolver.stop();
    }
  });
});
