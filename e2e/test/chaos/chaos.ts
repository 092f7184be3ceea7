// What the reliability suite (issue 8) shares: a product of its own (topics and database no
// other suite touches, so counts are exact), a history to feed it, a wait for it to settle,
// and the views of every instance to compare with a fault-free run.
import { connectorEventKey, dlqTopicOf, instanceIdOf, instanceKey, ssoEventKey, TOPICS } from '@org/contracts';
import { aConnectionChange, aLogin, aSnapshotPage } from '@org/contracts/testing';
import { createKafka, EventProducer, groupLag } from '@org/kafka';
import { gatewayCall, newScope, type Product, readTopic, scopeKafka, startProduct } from '@org/testing';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** `npm run test:chaos` sets CHAOS_FULL=1: the sizes; `npm test` runs the same cases smaller. */
export const FULL = process.env.CHAOS_FULL === '1';
const DAY = 86_400_000;

/** The history every fault case feeds (the fault-free reference too). */
export const SIZE = FULL
  ? { instances: 40, users: 1_500, days: 365, everyDays: 15 }
  : { instances: 6, users: 150, days: 120, everyDays: 4 };
/** Full size, a kill case settles slowly: every kill of a backend stalls its partitions for a consumer session. */
export const SETTLE_MS = FULL ? 1_800_000 : 300_000;

export interface Isolated extends Product {
  /** The gateway now (it may have been restarted). */
  url(): string;
  send(topic: string, messages: Array<{ key: string; value: unknown }>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A product on a scope of its own (test-scope.ts: topics and a database no other case of the
 * file touches, so counts are exact), on a broker or PostgreSQL server of the case's own when
 * `where` names one, with a producer to feed it.
 */
export async function isolatedProduct(
  name: string,
  where: Parameters<typeof newScope>[1] & { env?: NodeJS.ProcessEnv } = {},
): Promise<Isolated> {
  const scope = await newScope(name, where);
  const product = await startProduct({ scope, env: where.env });
  const settings = {
    brokers: scope.brokers.split(','),
    clientId: name,
    topicPrefix: scope.topicPrefix,
    sasl: scope.secured?.admin,
  };
  // The services' own producer: requests cut below the broker's 1 MB, a fresh producer after a failure.
  const producer = new EventProducer(createKafka(settings), settings);
  return {
    ...product,
    url: () => product.all.find((s) => s.name === 'gateway')!.url,
    async send(topic, messages) {
      const encoded = messages.map((m) => ({
        key: m.key,
        value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value),
      }));
      // Like a connector, sent again until the broker takes it (for 3 minutes): while the broker
      // is down a send fails, and one that failed after all may have landed — consumers dedupe.
      for (let attempt = 1; ; attempt++) {
        try {
          return await producer.send(topic, encoded);
        } catch (error) {
          if (attempt >= 90) throw error;
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    },
    async close() {
      await producer.disconnect();
      await Promise.all(product.all.map((s) => s.stop()));
    },
  };
}

export interface History {
  tenantId: string;
  apiKey: string;
  ssoConnectionId: string;
  ssoAppIds: string[];
  logins: number;
  /** Of which non-social. */
  ssoLogins: number;
  /** Every event sent: logins, connection changes, snapshot pages. */
  events: number;
}

/**
 * A tenant with `instances` apps, `users` users logging in over `days` days, and three
 * connections (events of registry.connections.v1, made here): one connected with tiers and
 * weekly snapshots, one disconnected and reconnected, one disconnected and deleted.
 * Everything but the tenant and SSO connection travels over Kafka; `during` runs while the
 * logins are being sent (a fault to inject).
 */
export async function feedHistory(
  product: Isolated,
  size: { instances: number; users: number; days: number; everyDays: number },
  during: () => Promise<void> = async () => undefined,
): Promise<History> {
  const api = gatewayCall(product.url());
  const tenant = (await api('POST', '/v1/tenants', process.env.ADMIN_API_KEY, { name: product.scope.name })).body;
  const sso = (await api('POST', '/v1/sso-connections', tenant.apiKey, { platform: 'okta', name: 'Okta' })).body;
  const now = Math.floor(Date.now() / DAY) * DAY;
  const ssoAppIds = Array.from({ length: size.instances }, (_, i) => `app-${i}`);
  const logins = ssoAppIds.flatMap((ssoAppId, a) =>
    Array.from({ length: size.users }, (_, u) => u)
      .filter((u) => (u + a) % 3 !== 0)
      .flatMap((u) =>
        Array.from({ length: Math.floor(size.days / size.everyDays) }, (_, k) =>
          aLogin({
            tenantId: tenant.tenantId,
            data: {
              ssoConnectionId: sso.id,
              ssoAppId,
              appKey: `app${a}`,
              appName: `App ${a}`,
              userId: `u${u}`,
              email: `u${u}@chaos.test`,
              method: (u + k) % 17 === 0 ? 'social' : 'sso',
              // Distinct quarter hours, so every login is its own fact.
              at: new Date(
                now - (k * size.everyDays + (u % size.everyDays)) * DAY - ((u * 7 + a) % 90) * 900_000,
              ).toISOString(),
            },
          }),
        ),
      ),
  );
  const sending = (async () => {
    for (let i = 0; i < logins.length; i += 20_000) {
      await product.send(
        TOPICS.ssoEvents,
        logins
          .slice(i, i + 20_000)
          .map((e) => ({ key: ssoEventKey(tenant.tenantId, sso.id, e.data.ssoAppId), value: e })),
      );
    }
  })();
  await Promise.all([sending, during()]);

  // Three connections on the first three instances, their lifecycles and snapshots.
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY + 3_600_000).toISOString();
  const connections = [0, 1, 2].map((i) => ({
    connectionId: connectionIdOf(i),
    instanceId: instanceIdOf(tenant.tenantId, sso.id, ssoAppIds[i]),
    appKey: `app${i}`,
  }));
  const change = (
    i: number,
    type: Parameters<typeof aConnectionChange>[0],
    periods: Array<[number, number | null]>,
  ) => ({
    key: instanceKey(tenant.tenantId, connections[i].instanceId),
    value: aConnectionChange(type, {
      tenantId: tenant.tenantId,
      data: {
        ...connections[i],
        effectiveAt: at(periods.at(-1)![1] ?? periods.at(-1)![0]),
        periods: periods.map(([from, to]) => ({ from: at(from), to: to === null ? null : at(to) })),
      },
    }),
  });
  const d = size.days;
  const lifecycle = [
    change(0, 'connection.connected', [[d - 5, null]]),
    change(1, 'connection.connected', [[d - 10, null]]),
    change(1, 'connection.disconnected', [[d - 10, Math.floor(d / 2)]]),
    change(1, 'connection.reconnected', [
      [d - 10, Math.floor(d / 2)],
      [Math.floor(d / 4), null],
    ]),
    change(2, 'connection.connected', [[d - 10, null]]),
    change(2, 'connection.disconnected', [[d - 10, 5]]),
  ];
  await product.send(TOPICS.registryConnections, lifecycle);
  const snapshots = connections.flatMap((c, i) =>
    Array.from({ length: Math.floor((d - 12) / 7) }, (_, w) => {
      const users = Array.from({ length: size.users }, (_, u) => u)
        .filter((u) => (u + w) % 11 !== 0)
        .map((u) => ({
          userId: `u${u}`,
          email: `u${u}@chaos.test`,
          tier: ['Pro', 'Viewer'][u % 2],
          status: u % 13 ? 'active' : 'suspended',
        }));
      return aSnapshotPage({
        tenantId: tenant.tenantId,
        data: { connectionId: c.connectionId, syncId: `s${i}-${w}`, asOf: at(d - 12 - w * 7), users },
      });
    }),
  );
  await product.send(
    TOPICS.connectorSnapshots,
    snapshots.map((e) => ({ key: connectorEventKey(tenant.tenantId, e.data.connectionId), value: e })),
  );
  await product.send(TOPICS.registryConnections, [change(2, 'connection.deleted', [[d - 10, 5]])]);
  return {
    tenantId: tenant.tenantId,
    apiKey: tenant.apiKey,
    ssoConnectionId: sso.id,
    ssoAppIds,
    logins: logins.length,
    ssoLogins: logins.filter((l) => l.data.method === 'sso').length,
    events: logins.length + lifecycle.length + snapshots.length + 1,
  };
}

/** The same connection ids in every run (each has its own database), so views compare as they are. */
function connectionIdOf(i: number): string {
  const hex = createHash('sha256').update(`chaos-connection:${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Waits until every consumer group of the product has read every topic to its end, twice in a row. */
export async function settled(product: Isolated, timeoutMs = 300_000): Promise<void> {
  const admin = scopeKafka(product.scope, 'settle').admin();
  await admin.connect();
  try {
    const until = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > until) throw new Error(`${product.scope.name} did not settle in ${timeoutMs} ms`);
      const lag = await totalLag(admin, product.scope.topicPrefix);
      quiet = lag === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Messages the product's consumer groups have yet to apply, over every topic. */
export async function lagOf(product: Isolated): Promise<number> {
  const admin = scopeKafka(product.scope, 'lag').admin();
  await admin.connect();
  try {
    return await totalLag(admin, product.scope.topicPrefix);
  } finally {
    await admin.disconnect();
  }
}

async function totalLag(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, prefix: string): Promise<number> {
  const groups = (await admin.listGroups()).groups
    .map((g) => g.groupId)
    .filter((g) => g.startsWith(prefix) && !g.includes('view-cache'));
  let lag = 0;
  for (const groupId of groups) lag += await groupLag(admin, groupId);
  return lag;
}

/** Every instance's whole view (and its rebuild state), by SSO app id; and one hash of it all. */
export async function viewsOf(
  product: Isolated,
  history: History,
): Promise<{ hash: string; views: Record<string, unknown> }> {
  const api = gatewayCall(product.url());
  const views: Record<string, unknown> = {};
  const from = new Date(Date.now() - 400 * DAY).toISOString().slice(0, 10);
  for (const ssoAppId of history.ssoAppIds) {
    const id = instanceIdOf(history.tenantId, history.ssoConnectionId, ssoAppId);
    const res = await api('GET', `/v1/instances/${id}/provisioning?from=${from}`, history.apiKey);
    if (res.status !== 200) throw new Error(`${ssoAppId}: ${res.status} ${JSON.stringify(res.body)}`);
    views[ssoAppId] = { days: res.body.days, status: res.body.rebuild.status };
  }
  return { hash: createHash('sha256').update(JSON.stringify(views)).digest('hex'), views };
}

/** What a run ends with, to compare with the fault-free run of the same history. */
export interface Outcome {
  hash: string;
  views: Record<string, unknown>;
  /** Logins kept by sso-ingest (each a distinct quarter hour: a duplicate would count twice). */
  logins: number;
  /** DLQ'd messages the history does not explain (see `unexplained`). */
  unexplained: string[];
}

export async function outcomeOf(product: Isolated, history: History): Promise<Outcome> {
  return {
    ...(await viewsOf(product, history)),
    logins: await loginRows(product),
    unexplained: unexplained(await refusals(product)),
  };
}

/** Logins a faulty run kept fewer (lost) or more (duplicated) than the reference did. */
export function lossAndDuplication(reference: Outcome, after: Outcome): { lost: number; duplicated: number } {
  return {
    lost: Math.max(0, reference.logins - after.logins),
    duplicated: Math.max(0, after.logins - reference.logins),
  };
}

async function loginRows(product: Isolated): Promise<number> {
  const db = new Client({ connectionString: product.scope.databaseUrl });
  await db.connect();
  try {
    // sso-ingest keeps each (instance, user)'s logins as distinct quarter hours.
    return (await db.query('select coalesce(sum(cardinality(quarters)), 0)::int as n from sso_ingest.login_history'))
      .rows[0].n;
  } finally {
    await db.end();
  }
}

/** The topics the product takes input from. */
export const INPUTS = [TOPICS.ssoEvents, TOPICS.connectorSnapshots, TOPICS.connectorUsage, TOPICS.registryConnections];

/** What reached the input topics' DLQs, as `topic code: message` lines (none, when nothing was refused). */
async function refusals(product: Isolated): Promise<string[]> {
  const lines: string[] = [];
  for (const [topic, count] of Object.entries(await dlqCounts(product))) {
    if (!count) continue;
    for (const m of await readTopic(
      topic,
      (read) => read.length >= count,
      10_000,
      product.scope.topicPrefix,
      product.scope.brokers,
      product.scope.secured?.admin,
    )) {
      const error = JSON.parse(m.value ?? '{}').error ?? {};
      lines.push(`${topic} ${error.code}: ${error.message}`);
    }
  }
  return lines;
}

/**
 * Refusals the history itself explains, whatever the order the topics are read in: snapshots
 * of the reconnected connection taken while it was disconnected (R10, reported when the
 * periods are known on arrival), and snapshots of the deleted connection that arrive after
 * its deletion (R12 removes them anyway; R15). Returns any other: lost or broken input.
 */
function unexplained(refused: string[]): string[] {
  return refused.filter((r) => !/ OUTSIDE_CONNECTED_PERIOD: snapshot s1-/.test(r) && !/ CONNECTION_DELETED: /.test(r));
}

async function dlqCounts(product: Isolated): Promise<Record<string, number>> {
  const admin = scopeKafka(product.scope, 'dlq').admin();
  await admin.connect();
  try {
    const counts: Record<string, number> = {};
    for (const topic of INPUTS.map(dlqTopicOf)) {
      counts[topic] = 0;
      for (const p of await admin.fetchTopicOffsets(`${product.scope.topicPrefix}${topic}`))
        counts[topic] += Number(p.high) - Number(p.low);
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every service answers /readyz (database reached, consumers in their groups); returns how long it took. */
export async function allReady(product: Isolated, timeoutMs = 300_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const answers = await Promise.all(
      product.all.map((s) =>
        fetch(`${s.url}/readyz`).then(
          async (r) => ({ service: s, ok: r.ok, body: await r.text() }),
          (e: Error) => ({ service: s, ok: false, body: e.message }),
        ),
      ),
    );
    const waiting = answers.filter((a) => !a.ok);
    if (!waiting.length) return Date.now() - start;
    if (Date.now() - start > timeoutMs) {
      const why = waiting.map((a) => `${a.service.name}: ${a.body}\n${a.service.output.slice(-15).join('')}`);
      throw new Error(`${product.scope.name}: not every service ready in ${timeoutMs} ms\n${why.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The figures of a case (docs/reliability.md quotes them): printed, and kept in
 * test-output/chaos/<case>.json with the size it ran at.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const dir = join(__dirname, '../../../test-output/chaos');
  mkdirSync(dir, { recursive: true });
  const record = { case: name, full: FULL, at: new Date().toISOString(), ...figures };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`[chaos] ${JSON.stringify(record)}`);
}

/**
 * The fault-free run of the history (SIZE) that every fault case compares with. The fault
 * cases are test files of their own, run side by side in Jest's workers (separate processes):
 * the first to ask takes a lock file beside the test run and makes the reference, on a scope of
 * its own; the others read what it wrote. Ask for it after the fault, so a case waiting for it
 * has done its own work meanwhile.
 */
async function referenceOutcome(): Promise<Outcome> {
  const file = join(tmpdir(), `${process.env.TEST_RUN_TOPIC_PREFIX}chaos-reference.json`);
  let lock: number | undefined;
  try {
    lock = openSync(`${file}.lock`, 'wx');
  } catch {
    // Another case makes it.
  }
  if (lock !== undefined) {
    closeSync(lock);
    let written: { outcome?: Outcome; error?: string };
    try {
      written = { outcome: await makeReference() };
    } catch (error) {
      written = { error: (error as Error).stack ?? String(error) };
    }
    writeFileSync(`${file}.tmp`, JSON.stringify(written));
    renameSync(`${file}.tmp`, file);
  }
  for (const until = Date.now() + SETTLE_MS + 300_000; !existsSync(file);) {
    if (Date.now() > until) throw new Error(`no chaos reference in ${file}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const { outcome, error } = JSON.parse(readFileSync(file, 'utf8')) as { outcome?: Outcome; error?: string };
  if (!outcome) throw new Error(`the fault-free reference run failed:\n${error}`);
  return outcome;
}

async function makeReference(): Promise<Outcome> {
  const p = await isolatedProduct('chaos-reference');
  try {
    const started = Date.now();
    const history = await feedHistory(p, SIZE);
    await settled(p, SETTLE_MS);
    const reference = await outcomeOf(p, history);
    if (reference.unexplained.length) throw new Error(`refused:\n${reference.unexplained.join('\n')}`);
    // Every login is its own quarter hour; social ones count for nothing (R2) and are not kept.
    if (reference.logins !== history.ssoLogins)
      throw new Error(`${reference.logins} logins kept of ${history.ssoLogins} non-social ones sent`);
    recordFigures('reference', { events: history.events, logins: history.logins, settledMs: Date.now() - started });
    return reference;
  } finally {
    await p.close();
  }
}

/**
 * How every faulty run ends: settled, with the reference's views and counts and nothing refused
 * that the history does not explain. Returns both outcomes.
 */
export async function expectSettledAsReference(
  p: Isolated,
  history: History,
): Promise<{ after: Outcome; reference: Outcome }> {
  await settled(p, SETTLE_MS);
  const after = await outcomeOf(p, history);
  const reference = await referenceOutcome();
  expect(after.unexplained).toEqual([]);
  expect(after.logins).toBe(reference.logins);
  expect(after.views).toEqual(reference.views);
  expect(after.hash).toBe(reference.hash);
  return { after, reference };
}
