// Random histories through every service, compared with a separate model (view-model.ts):
// logins and assignment lists (R1, R2), snapshots in pages, usage, and connect / disconnect
// / reconnect / delete with effectiveAt (R8–R14), produced in shuffled order with duplicates,
// snapshots racing their connection's events (R15). The served view must equal the model.
import { connectorEventKey, newEvent, ssoEventKey, TOPICS } from '@org/contracts';
import { dayOf, dayToIso } from '@org/days';
import {
  eventually,
  gatewayCall,
  produce,
  type ServiceProcess,
  shuffle,
  startProduct,
  withDuplicates,
} from '@org/testing';
import { seededRandom } from '@org/demo-data';
import fc from 'fast-check';
import {
  expectedDay,
  type LifecycleOp,
  type ModelConnection,
  type ModelHistory,
  type ModelSnapshot,
} from './view-model';

const HOUR = 3_600_000;
const HORIZON_DAYS = 12;
const RUNS = Number(process.env.VIEW_PROPERTY_RUNS ?? 8);
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];

// --- generators: times are whole hours before the run starts, so everything is in the past ---

const hoursAgo = fc.integer({ min: 1, max: HORIZON_DAYS * 24 - 1 });
const someUsers = fc.subarray(USERS);
const snapshotArb = fc.record({
  hoursAgo,
  users: fc.uniqueArray(
    fc.record({
      userId: fc.constantFrom(...USERS),
      tier: fc.constantFrom('Pro', 'Viewer', null),
      status: fc.constantFrom('active', 'active', 'suspended'),
    }),
    { selector: (u) => u.userId, maxLength: USERS.length },
  ),
  pages: fc.constantFrom(1, 2),
});
const connectionArb = fc.record({
  kind: fc.constantFrom('provisioning' as const, 'engagement' as const),
  supportsLicenseTiers: fc.boolean(),
  /** How many of disconnect, reconnect, disconnect follow the connect; then maybe a delete. */
  changes: fc.integer({ min: 0, max: 3 }),
  deleteAfter: fc.boolean(),
  snapshots: fc.array(snapshotArb, { maxLength: 4 }),
  usage: fc.array(
    fc.record({
      userId: fc.constantFrom(...USERS),
      daysAgo: fc.integer({ min: 0, max: HORIZON_DAYS - 1 }),
      events: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 4 },
  ),
});
const historyArb = fc.record({
  timeZone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
  windowDays: fc.integer({ min: 2, max: 6 }),
  logins: fc.array(
    fc.record({
      userId: fc.constantFrom(...USERS),
      hoursAgo,
      method: fc.constantFrom('sso' as const, 'sso' as const, 'social' as const),
    }),
    { maxLength: 12 },
  ),
  lists: fc.array(fc.record({ hoursAgo, users: someUsers }), { maxLength: 2 }),
  connections: fc.array(connectionArb, { minLength: 1, maxLength: 2 }),
  /** Lifecycle times: distinct hours, oldest first. */
  lifecycleHours: fc.uniqueArray(hoursAgo, { minLength: 10, maxLength: 10 }).map((h) => h.sort((a, b) => b - a)),
  seed: fc.integer(),
  duplicates: fc.integer({ min: 0, max: 5 }),
});
type Generated = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

describe('the served view equals a model of R1 and R8–R15 (property-based)', () => {
  const running: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    const product = await startProduct({ env: { RESOLVER_CONNECTION_WAIT_MS: '600000' } });
    gateway = product.gateway;
    running.push(...product.all);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
  });

  const api = (method: string, path: string, key?: string, body?: unknown) =>
    gatewayCall(gateway.url)(method, path, key, body);
  const ok = <T extends { status: number; body: unknown }>(res: T, status: number): T => {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  };

  it('for random histories, reordered and duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (g) => {
        await checkHistory(g);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 900_000);

  async function checkHistory(g: Generated): Promise<void> {
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const at = (h: number) => now - h * HOUR;
    const random = seededRandom(g.seed);

    const tenant = ok(
      await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, {
        name: 'Property',
        timeZone: g.timeZone,
        estimateWindowDays: g.windowDays,
      }),
      201,
    ).body;
    const key: string = tenant.apiKey;
    const tenantId: string = tenant.tenantId;
    const sso = ok(await api('POST', '/v1/sso-connections', key, { platform: 'okta', name: 'Okta' }), 201).body;
    const app = { ssoConnectionId: sso.id, ssoAppId: 'app-1', appKey: 'figma', appName: 'Figma' };
    const ssoKey = ssoEventKey(tenantId, sso.id, app.ssoAppId);

    const history: ModelHistory = {
      timeZone: g.timeZone,
      windowDays: g.windowDays,
      // One SSO login at the start lets the instance be connected (R5).
      logins: [
        { userId: 'u1', at: at(HORIZON_DAYS * 24 + 2), method: 'sso' },
        ...g.logins.map((l) => ({ ...l, at: at(l.hoursAgo) })),
      ],
      lists: g.lists.map((l, i) => ({ syncId: `list-${i}`, asOf: at(l.hoursAgo), users: l.users })),
      connections: [],
    };
    const loginEvent = (l: ModelHistory['logins'][number]) => ({
      key: ssoKey,
      value: newEvent('sso.login', tenantId, {
        ...app,
        userId: l.userId,
        email: `${l.userId}@acme.test`,
        method: l.method,
        at: new Date(l.at).toISOString(),
      }),
    });
    const ssoEvents = [
      ...history.logins.slice(1).map(loginEvent),
      ...history.lists.map((l) => ({
        key: ssoKey,
        value: newEvent('sso.assignments', tenantId, {
          ...app,
          asOf: new Date(l.asOf).toISOString(),
          syncId: l.syncId,
          page: 1,
          pageCount: 1,
          users: l.users.map((u) => ({ userId: u, email: `${u}@acme.test` })),
        }),
      })),
    ];
    await produce(TOPICS.ssoEvents, [loginEvent(history.logins[0])]);
    const instanceId: string = await eventually(async () => {
      const apps = (await api('GET', '/v1/applications', key)).body.items;
      const instance = apps[0]?.instances[0];
      return instance?.hasNonSocialLogins ? instance.instanceId : null;
    });
    // Half the SSO events before any lifecycle change, half after, shuffled, some twice.
    const shuffledSso = withDuplicates(shuffle(ssoEvents, random), g.duplicates, random);
    const half = Math.floor(shuffledSso.length / 2);
    await produceSome(TOPICS.ssoEvents, shuffledSso.slice(0, half));

    let t = 0;
    const nextTime = () => at(g.lifecycleHours[t++]);
    for (const [index, c] of g.connections.entries()) {
      const ops: LifecycleOp[] = (['disconnect', 'reconnect', 'disconnect'] as LifecycleOp[]).slice(0, c.changes);
      const disconnected = ops.length % 2 === 1;
      if (disconnected && c.deleteAfter) ops.push('delete');
      const connectedAt = nextTime();
      const created = ok(
        await api('POST', '/v1/connections', key, {
          instanceId,
          kind: c.kind,
          vendor: 'figma',
          supportsLicenseTiers: c.supportsLicenseTiers,
          effectiveAt: new Date(connectedAt).toISOString(),
        }),
        201,
      ).body;
      const connection: ModelConnection = {
        id: created.id,
        kind: c.kind,
        supportsLicenseTiers: c.supportsLicenseTiers,
        lifecycle: [{ op: 'connect', at: connectedAt }],
        snapshots: c.snapshots.map((s, i): ModelSnapshot => ({
          syncId: `sync-${i}`,
          asOf: at(s.hoursAgo),
          users: s.users,
        })),
        usage: c.usage.map((u) => ({ ...u, day: dayOf(now, g.timeZone) - u.daysAgo })),
      };
      history.connections.push(connection);
      // Connector data right away: it races the connection's events to the resolver (R15).
      const connectorEvents = withDuplicates(
        shuffle(
          [
            ...connection.snapshots.flatMap((s, i) => snapshotPages(tenantId, connection.id, s, c.snapshots[i].pages)),
            ...connection.usage.map((u) => ({
              key: connectorEventKey(tenantId, connection.id),
              value: newEvent('connector.usage', tenantId, {
                connectionId: connection.id,
                userId: u.userId,
                day: dayToIso(u.day),
                events: u.events,
              }),
            })),
          ],
          random,
        ),
        g.duplicates,
        random,
      );
      await produceSome(
        TOPICS.connectorSnapshots,
        connectorEvents.filter((e) => e.value.type === 'connector.snapshot'),
      );
      await produceSome(
        TOPICS.connectorUsage,
        connectorEvents.filter((e) => e.value.type === 'connector.usage'),
      );
      for (const op of ops) {
        const effectiveAt = new Date(nextTime()).toISOString();
        if (op === 'delete') {
          ok(await api('DELETE', `/v1/connections/${connection.id}?effectiveAt=${effectiveAt}`, key), 202);
        } else {
          ok(await api('POST', `/v1/connections/${connection.id}/${op}`, key, { effectiveAt }), 200);
        }
        connection.lifecycle.push({ op, at: Date.parse(effectiveAt) });
      }
      if (index === 0 && !ops.includes('delete')) break; // only a deleted connection makes room for another
    }
    await produceSome(TOPICS.ssoEvents, shuffledSso.slice(half));

    const today = dayOf(Date.now(), g.timeZone);
    const from = today - HORIZON_DAYS + 1;
    const expected = Array.from({ length: HORIZON_DAYS }, (_, i) => ({
      day: dayToIso(from + i),
      ...expectedDay(history, from + i),
    }));
    const served = (res: { days: Array<Record<string, unknown>> }) =>
      res.days.map((d) => ({
        day: d.day,
        source: d.source,
        connectionId: d.connectionId,
        provisionedUsers: d.provisionedUsers,
        tiers: d.tiers,
        activeUsers: d.activeUsers ?? 0,
        staleDays: d.staleDays,
        awaitingFirstSync: d.awaitingFirstSync,
      }));
    const want = expected.map((d) => ({ ...d, activeUsers: d.activeUsers ?? 0 }));
    let last: unknown;
    try {
      await eventually(
        async () => {
          const res = await api(
            'GET',
            `/v1/instances/${instanceId}/provisioning?from=${dayToIso(from)}&to=${dayToIso(today)}`,
            key,
          );
          last = res.body;
          expect(res.status).toBe(200);
          expect(res.body.rebuild.status).toBe('idle');
          expect(served(res.body)).toEqual(want);
          return true;
        },
        30_000,
        250,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\nhistory: ${JSON.stringify(history)}\nserved: ${JSON.stringify(last)}\n` +
          `service warnings:\n${running
            .flatMap((p) =>
              p.output
                .join('')
                .split('\n')
                .filter((l) => /"level":("(warn|error)"|40|50)/.test(l) && !l.includes('kafkajs'))
                .map((l) => `${p.name}: ${l}`),
            )
            .slice(-20)
            .join('\n')}`,
        { cause: error },
      );
    }
  }
});

function snapshotPages(tenantId: string, connectionId: string, s: ModelSnapshot, pages: number) {
  const cut = Math.ceil(s.users.length / 2);
  const parts = pages === 1 ? [s.users] : [s.users.slice(0, cut), s.users.slice(cut)];
  return parts.map((users, i) => ({
    key: connectorEventKey(tenantId, connectionId),
    value: newEvent('connector.snapshot', tenantId, {
      connectionId,
      syncId: s.syncId,
      asOf: new Date(s.asOf).toISOString(),
      page: i + 1,
      pageCount: parts.length,
      users: users.map((u) => ({ userId: u.userId, email: `${u.userId}@acme.test`, tier: u.tier, status: u.status })),
    }),
  }));
}

async function produceSome(topic: string, messages: Array<{ key: string; value: unknown }>) {
  if (messages.length) await produce(topic, messages);
}
