// The SCIM connector against a real SCIM 2.0 server built here with scimmy and
// scimmy-routers (express), in front of which a small switchboard injects what real servers
// do: 429 with Retry-After, 5xx, answers slower than the timeout, pages shorter than asked,
// paging that ignores startIndex. Every published snapshot is read back from Kafka.
import { connectorSnapshotSchema, TOPICS } from '@org/contracts';
import { type ReadMessage, readTopic, type ServiceProcess, startServiceProcess } from '@org/testing';
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import type { SyncResult } from '../src/sync/sync-connection.service';

const TOKEN = 'scim-test-token';
const API_TOKEN = 'connector-api-token-123';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TIMEOUT_MS = 5_000;
const SLOW_MS = TIMEOUT_MS + 1_500;

/** 250 users: every seventh inactive, tiers as roles, a cost centre in the enterprise extension. */
const directory = Array.from({ length: 250 }, (_, i) => ({
  id: `id-${String(i).padStart(3, '0')}`,
  userName: `user${i}@scim.test`,
  active: i % 7 !== 0,
  emails: [{ value: `user${i}@scim.test`, type: 'work', primary: true }],
  roles: [{ value: ['Enterprise', 'Pro', 'Viewer'][i % 3], primary: true }],
  [ENTERPRISE]: { costCenter: `cc-${i % 4}` },
}));

interface Faults {
  /** Answers to give before the real one, in order: a status, or 'slow' (past the connector's timeout). */
  before: Array<number | 'slow'>;
  ignoreStartIndex: boolean;
  maxPerPage: number | null;
  always500: boolean;
}
const faults: Faults = { before: [], ignoreStartIndex: false, maxPerPage: null, always500: false };
const requests: string[] = [];

function scimServer(): Promise<{ url: string; close(): Promise<void> }> {
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false)).egress(() => directory);
  const app = express();
  app.use((req, res, next) => {
    requests.push(req.url);
    // scimmy-routers casts paging parameters in req.query, which Express 5 parses afresh on each read.
    const query: Record<string, unknown> = { ...req.query };
    if (faults.ignoreStartIndex) query.startIndex = '1';
    if (faults.maxPerPage && query.count) query.count = String(Math.min(Number(query.count), faults.maxPerPage));
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true });
    if (faults.always500) return void res.status(500).json({ detail: 'down' });
    const next_ = faults.before.shift();
    if (next_ === 'slow') return void setTimeout(next, SLOW_MS);
    if (next_ === 429) return void res.status(429).set('retry-after', '1').json({ detail: 'slow down' });
    if (typeof next_ === 'number') return void res.status(next_).json({ detail: 'unavailable' });
    next();
  });
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://scim.test/auth',
      handler: (req: express.Request) => {
        if (req.header('authorization') !== `Bearer ${TOKEN}`) throw new Error('bad token');
        return 'connector';
      },
    }),
  );
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/scim/v2`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

describe('the SCIM connector', () => {
  let scim: { url: string; close(): Promise<void> };
  const connectors: ServiceProcess[] = [];
  const connector = async (connectionId: string, env: NodeJS.ProcessEnv = {}) => {
    const started = await startServiceProcess('scim-connector', 'SCIM_CONNECTOR_PORT', {
      SCIM_TENANT_ID: 'scim-tenant',
      SCIM_CONNECTION_ID: connectionId,
      SCIM_BASE_URL: scim.url,
      SCIM_TOKEN: TOKEN,
      SCIM_CONNECTOR_API_TOKEN: API_TOKEN,
      SCIM_SYNC_EVERY_MS: '0',
      SCIM_PAGE_SIZE: '100',
      // Generous: this SCIM server runs in the test's own busy process; only 'slow' exceeds it.
      SCIM_TIMEOUT_MS: String(TIMEOUT_MS),
      SCIM_MAX_ATTEMPTS: '4',
      SCIM_RETRY_BASE_MS: '50',
      ...env,
    });
    connectors.push(started);
    return started;
  };
  const syncNow = async (c: ServiceProcess, token = API_TOKEN) => {
    const res = await fetch(`${c.url}/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as SyncResult };
  };
  const snapshotsOf = async (connectionId: string, pages: number) => {
    const mine = (all: ReadMessage[]) => all.filter((m) => m.value?.includes(connectionId));
    const read = mine(await readTopic(TOPICS.connectorSnapshots, (all) => mine(all).length >= pages));
    return read.map((m) => ({ key: m.key, event: connectorSnapshotSchema.parse(JSON.parse(m.value!)) }));
  };

  beforeAll(async () => {
    scim = await scimServer();
  });
  afterEach(() => {
    Object.assign(faults, { before: [], ignoreStartIndex: false, maxPerPage: null, always500: false });
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.stop()));
    await scim.close();
  });

  it('reads every user page by page and publishes one snapshot, tiers from roles, active as status', async () => {
    const connectionId = randomUUID();
    const c = await connector(connectionId);
    requests.length = 0;
    const { status, body } = await syncNow(c);
    expect([status, body.status, body.users, body.skipped]).toEqual([200, 'published', 250, []]);
    expect(requests.filter((r) => r.startsWith('/scim/v2/Users'))).toEqual([
      '/scim/v2/Users?startIndex=1&count=100',
      '/scim/v2/Users?startIndex=101&count=100',
      '/scim/v2/Users?startIndex=201&count=100',
    ]);

    const pages = await snapshotsOf(connectionId, body.pages!);
    expect(new Set(pages.map((p) => p.key))).toEqual(new Set([`scim-tenant:${connectionId}`]));
    expect(new Set(pages.map((p) => p.event.data.syncId))).toEqual(new Set([body.syncId]));
    const users = pages.flatMap((p) => p.event.data.users).sort((a, b) => a.userId.localeCompare(b.userId));
    expect(users).toHaveLength(250);
    expect(users[0]).toEqual({ userId: 'id-000', email: 'user0@scim.test', tier: 'Enterprise', status: 'inactive' });
    expect(users[1]).toEqual({ userId: 'id-001', email: 'user1@scim.test', tier: 'Pro', status: 'active' });
    expect(users.filter((u) => u.status === 'active')).toHaveLength(250 - 36);

    expect((await syncNow(c, 'wrong-token-wrong-token')).status).toBe(401);
  });

  it('takes the tier from an enterprise-extension attribute when told to', async () => {
    const connectionId = randomUUID();
    const c = await connector(connectionId, { SCIM_TIER_ATTRIBUTE: `${ENTERPRISE}:costCenter` });
    const { body } = await syncNow(c);
    expect(body.status).toBe('published');
    const users = (await snapshotsOf(connectionId, body.pages!)).flatMap((p) => p.event.data.users);
    expect(new Set(users.map((u) => u.tier))).toEqual(new Set(['cc-0', 'cc-1', 'cc-2', 'cc-3']));
  });

  describe('with a server that misbehaves', () => {
    let c: ServiceProcess;
    const connectionId = randomUUID();
    let published = 0;
    beforeAll(async () => {
      c = await connector(connectionId);
    });

    it('waits out 429 (Retry-After), 5xx and a slow answer, then publishes everything', async () => {
      // Three failed attempts on the first page; the fourth of the four allowed gets through.
      faults.before = [429, 503, 'slow'];
      const started = Date.now();
      const { body } = await syncNow(c);
      expect([body.status, body.users]).toEqual(['published', 250]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // the Retry-After second
      published += body.pages!;
      expect((await snapshotsOf(connectionId, published)).flatMap((p) => p.event.data.users)).toHaveLength(250);
    });

    it('follows pages shorter than asked', async () => {
      faults.maxPerPage = 7;
      requests.length = 0;
      const { body } = await syncNow(c);
      expect([body.status, body.users]).toEqual(['published', 250]);
      expect(requests.filter((r) => r.startsWith('/scim/v2/Users'))).toHaveLength(36);
      published += body.pages!;
      const pages = (await snapshotsOf(connectionId, published)).filter((p) => p.event.data.syncId === body.syncId);
      expect(new Set(pages.flatMap((p) => p.event.data.users.map((u) => u.userId))).size).toBe(250);
    });

    it('fails clearly, publishing nothing, when the server keeps failing or ignores startIndex', async () => {
      faults.always500 = true;
      const down = (await syncNow(c)).body;
      expect(down.status).toBe('failed');
      expect(down.error).toMatch(/startIndex=1: HTTP 500 on all 4 attempts/);
      faults.always500 = false;

      faults.ignoreStartIndex = true;
      const ignoring = (await syncNow(c)).body;
      expect(ignoring.status).toBe('failed');
      expect(ignoring.error).toMatch(/ignores startIndex/);

      // Nothing of either reached Kafka: a marker snapshot sent afterwards is the next thing there.
      faults.ignoreStartIndex = false;
      const after = (await syncNow(c)).body;
      expect(after.status).toBe('published');
      const syncIds = [
        ...new Set((await snapshotsOf(connectionId, published + after.pages!)).map((p) => p.event.data.syncId)),
      ];
      expect(syncIds).toHaveLength(3);
      expect(syncIds.at(-1)).toBe(after.syncId);
      const last = (await fetch(`${c.url}/v1/sync`, { headers: { authorization: `Bearer ${API_TOKEN}` } }).then((r) =>
        r.json(),
      )) as { last: { syncId: string } };
      expect(last.last.syncId).toBe(after.syncId);
      const metrics = await fetch(`${c.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^scim_syncs_total\{status="failed"\} 2$/m);
      expect(metrics).toMatch(/^scim_snapshot_users 250$/m);
    });
  });

  it('syncs on its schedule', async () => {
    const connectionId = randomUUID();
    await connector(connectionId, { SCIM_SYNC_EVERY_MS: '500' });
    const mine = (all: ReadMessage[]) => all.filter((m) => m.value?.includes(connectionId));
    const read = await readTopic(
      TOPICS.connectorSnapshots,
      (all) => new Set(mine(all).map((m) => JSON.parse(m.value!).data.syncId)).size >= 2,
    );
    expect(mine(read).length).toBeGreaterThanOrEqual(2);
  });
});
