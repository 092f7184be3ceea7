// R20 as a property: for random facts (the tenant's settings, an instance with or without
// assignment lists, estimates, users' latest logins, a connection with paged snapshots and
// usage), the reclamation report is the same whether the facts arrive in order or shuffled
// across and within topics, with duplicates and with older logins after newer ones.
import { connectorEventKey, instanceKey, newEvent, TOPICS, type Topic, userActivityKey } from '@org/contracts';
import { aConnectionChange, anEstimateMessage, anInstanceMessage } from '@org/contracts/testing';
import { seededRandom } from '@org/demo-data';
import { internalCall, produce, shuffle, startTestService, untilConsumed, withDuplicates } from '@org/testing';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadResolverConfig } from '../src/config';

const HOUR = 3_600_000;
const RUNS = Number(process.env.RECLAMATION_PROPERTY_RUNS ?? 6);
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const userArb = fc.constantFrom(...USERS);

const historyArb = fc.record({
  timeZone: fc.constantFrom('UTC', 'Asia/Kolkata', 'America/New_York'),
  inactiveAfterDays: fc.integer({ min: 2, max: 30 }),
  lists: fc.boolean(),
  estimates: fc.uniqueArray(
    fc.record({
      userId: userArb,
      fromDaysAgo: fc.integer({ min: 0, max: 60 }),
      days: fc.option(fc.integer({ min: 0, max: 70 })),
    }),
    { selector: (e) => e.userId },
  ),
  logins: fc.array(
    fc.record({ userId: userArb, hoursAgo: fc.integer({ min: 1, max: 60 * 24 }), upper: fc.boolean() }),
    { maxLength: 10 },
  ),
  connection: fc.option(
    fc.record({
      kind: fc.constantFrom('provisioning' as const, 'engagement' as const),
      connectedDaysAgo: fc.integer({ min: 20, max: 60 }),
      snapshots: fc.array(
        fc.record({
          hoursAgo: fc.integer({ min: 1, max: 19 * 24 }),
          users: fc.uniqueArray(
            fc.record({
              userId: userArb,
              tier: fc.constantFrom('Pro', 'Viewer', null),
              status: fc.constantFrom('active', 'active', 'suspended'),
            }),
            { selector: (u) => u.userId },
          ),
          pages: fc.constantFrom(1, 2),
        }),
        { maxLength: 3 },
      ),
      usage: fc.array(
        fc.record({
          userId: userArb,
          daysAgo: fc.integer({ min: 0, max: 30 }),
          events: fc.integer({ min: 0, max: 3 }),
        }),
        { maxLength: 6 },
      ),
    }),
  ),
  exempt: fc.subarray(USERS),
  seed: fc.integer(),
  duplicates: fc.integer({ min: 0, max: 6 }),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;
type Message = { key: string; value: unknown };

describe('provisioning-resolver: the reclamation report is a function of the facts (R20, property-based)', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadResolverConfig())));
  });
  afterAll(() => app?.close());

  it('is the same for facts in order and for the same facts shuffled and repeated', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (h) => {
        const now = Math.floor(Date.now() / HOUR) * HOUR;
        const inOrder = await reportOf(h, now, (messages) => messages);
        const random = seededRandom(h.seed);
        const shuffled = await reportOf(
          h,
          now,
          (messages) => withDuplicates(shuffle(messages, random), h.duplicates, random),
          random,
        );
        expect(shuffled).toEqual(inOrder);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  /** One tenant given the history's facts, each topic's messages arranged by `arrange`; its report without ids. */
  async function reportOf(h: History, now: number, arrange: (m: Message[]) => Message[], random?: () => number) {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const instanceId = randomUUID();
    const connectionId = randomUUID();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();
    const dayAgo = (days: number) => at(days * 24).slice(0, 10);
    const email = (userId: string, upper = false) =>
      upper ? `${userId.toUpperCase()}@ACME.test` : `${userId}@acme.test`;

    const byTopic = new Map<Topic, Message[]>([
      [
        TOPICS.tenants,
        [
          {
            key: tenantId,
            value: newEvent('tenant.changed', tenantId, {
              name: 'Property',
              timeZone: h.timeZone,
              estimateWindowDays: 120,
              inactiveAfterDays: h.inactiveAfterDays,
            }),
          },
        ],
      ],
      [
        TOPICS.ssoInstances,
        [
          anInstanceMessage(tenantId, {
            instanceId,
            firstLoginAt: at(70 * 24),
            firstAssignmentListAt: h.lists ? at(50 * 24) : null,
          }),
        ],
      ],
      [
        TOPICS.ssoEstimates,
        h.estimates.map((e) =>
          anEstimateMessage(tenantId, instanceId, e.userId, [
            { from: dayAgo(e.fromDaysAgo + (e.days ?? 0)), to: e.days === null ? null : dayAgo(e.fromDaysAgo) },
          ]),
        ),
      ],
      // Older logins may come after newer ones: the latest stays.
      [
        TOPICS.ssoUserActivity,
        h.logins.map((l) => ({
          key: userActivityKey(tenantId, instanceId, l.userId),
          value: newEvent('sso.user-activity', tenantId, {
            instanceId,
            userId: l.userId,
            email: email(l.userId, l.upper),
            lastLoginAt: at(l.hoursAgo),
          }),
        })),
      ],
    ]);
    const c = h.connection;
    if (c) {
      const connectedAt = at(c.connectedDaysAgo * 24);
      byTopic.set(TOPICS.registryConnections, [
        {
          key: instanceKey(tenantId, instanceId),
          value: aConnectionChange('connection.connected', {
            tenantId,
            data: {
              connectionId,
              instanceId,
              kind: c.kind,
              effectiveAt: connectedAt,
              periods: [{ from: connectedAt, to: null }],
            },
          }),
        },
      ]);
      byTopic.set(
        TOPICS.connectorSnapshots,
        c.snapshots.flatMap((s, i) => {
          const pages = s.pages === 2 && s.users.length > 1 ? [s.users.slice(0, 1), s.users.slice(1)] : [s.users];
          return pages.map((users, p) => ({
            key: connectorEventKey(tenantId, connectionId),
            value: newEvent('connector.snapshot', tenantId, {
              connectionId,
              syncId: `sync-${i}`,
              asOf: at(s.hoursAgo),
              page: p + 1,
              pageCount: pages.length,
              users: users.map((u) => ({ ...u, email: email(u.userId) })),
            }),
          }));
        }),
      );
      // Usage is per (user, day): one value each, the greatest counts whatever the order.
      const usage = new Map(c.usage.map((u) => [`${u.userId}|${u.daysAgo}`, u]));
      byTopic.set(
        TOPICS.connectorUsage,
        [...usage.values()].map((u) => ({
          key: connectorEventKey(tenantId, connectionId),
          value: newEvent('connector.usage', tenantId, {
            connectionId,
            userId: u.userId,
            day: dayAgo(u.daysAgo),
            events: u.events,
          }),
        })),
      );
    }
    // Shuffled runs also produce the topics in a random order (snapshots may come before their
    // connection), after the tenant's settings: a tenant exists before its data, and a later zone
    // change rebuilds the views, which a report waits for no more than a view read does.
    const [tenants, ...facts] = [...byTopic.keys()];
    const topics = [tenants, ...(random ? shuffle(facts, random) : facts)];
    for (const topic of topics) await produce(topic, arrange(byTopic.get(topic)!));
    for (const topic of topics) await untilConsumed(`provisioning-resolver.${topic}`, topic);

    const call = internalCall(url, tenantId);
    const settings = await call('PUT', `/v1/instances/${instanceId}/reclamation-settings`, {
      exemptEmails: h.exempt.map((u) => email(u, true)),
      currency: 'EUR',
      defaultMonthlyPrice: 3,
      tierMonthlyPrices: { Pro: 10.5 },
    });
    expect(settings.status).toBe(200);
    const report = await call('GET', `/v1/instances/${instanceId}/reclamation`);
    expect(report.status).toBe(200);
    const { instanceId: _id, ...rest } = report.body;
    return rest;
  }
});
