import type { INestApplication } from '@nestjs/common';
import {
  instanceIdOf,
  instanceKey,
  registryConnectionEventSchema,
  ssoConnectionKey,
  ssoEventKey,
  TOPICS,
  newEvent,
} from '@org/contracts';
import { MikroORM } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { eventually, internalCall, produce, readTopic, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadRegistryConfig } from '../src/config';

describe('connector-registry: the connection lifecycle (R3–R7, R10–R12)', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadRegistryConfig())));
  });
  afterAll(() => app?.close());

  /** A tenant whose SSO connection has: salesforce (two instances, non-social logins), canva (social only). */
  async function tenantWithInstances() {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const ssoConnectionId = randomUUID();
    const instance = (ssoAppId: string, appKey: string, hasNonSocialLogins: boolean) => ({
      instanceId: instanceIdOf(tenantId, ssoConnectionId, ssoAppId),
      ssoConnectionId,
      ssoAppId,
      appKey,
      appName: appKey,
      hasNonSocialLogins,
      lastLoginAt: '2026-11-01T00:00:00.000Z',
    });
    const instances = {
      sf1: instance('sf-1', 'salesforce', true),
      sf2: instance('sf-2', 'salesforce', false),
      canva: instance('canva-1', 'canva', false),
    };
    await produce(TOPICS.ssoInstances, [
      {
        key: ssoConnectionKey(tenantId, ssoConnectionId),
        value: newEvent('sso.connection.created', tenantId, {
          ssoConnectionId,
          platform: 'okta',
          name: 'Okta',
          createdAt: new Date().toISOString(),
        }),
      },
      ...Object.values(instances).map((i) => ({
        key: ssoEventKey(tenantId, ssoConnectionId, i.ssoAppId),
        value: newEvent('sso.instance.changed', tenantId, i),
      })),
    ]);
    const call = internalCall(url, tenantId);
    // Every instance known, not only both apps: their events travel on different partitions.
    await eventually(
      async () =>
        (await call('GET', '/v1/applications')).body.items.flatMap((a: { instances: unknown[] }) => a.instances)
          .length === 3,
    );
    return {
      tenantId,
      call,
      sf1: instances.sf1.instanceId,
      sf2: instances.sf2.instanceId,
      canva: instances.canva.instanceId,
    };
  }

  const connectBody = (instanceId: string, extra: object = {}) => ({
    instanceId,
    kind: 'provisioning',
    vendor: 'acme',
    supportsLicenseTiers: true,
    ...extra,
  });

  it('refuses connecting with the codes of SPEC §3, in their order', async () => {
    const lonely = internalCall(url, `tenant-${randomUUID().slice(0, 8)}`);
    expect((await lonely('POST', '/v1/connections', connectBody(randomUUID()))).body.error.code).toBe(
      'NO_SSO_CONNECTION',
    );

    const { call, sf1, sf2, canva } = await tenantWithInstances();
    expect((await call('POST', '/v1/connections', connectBody(randomUUID()))).status).toBe(404);
    const social = await call('POST', '/v1/connections', connectBody(canva));
    expect([social.status, social.body.error.code]).toEqual([409, 'NO_SSO_LOGIN_DATA']);
    expect((await call('GET', '/v1/applications/canva/eligibility')).body).toEqual({
      appKey: 'canva',
      connectable: false,
      reason: 'NO_SSO_LOGIN_DATA',
      instances: [{ instanceId: canva, connectable: false, reason: 'NO_SSO_LOGIN_DATA' }],
    });

    const first = await call('POST', '/v1/connections', connectBody(sf1));
    expect(first.status).toBe(201);
    expect((await call('POST', '/v1/connections', connectBody(sf1, { kind: 'engagement' }))).body.error.code).toBe(
      'INSTANCE_ALREADY_CONNECTED',
    );
    expect((await call('POST', '/v1/connections', connectBody(sf2))).status).toBe(201);
    expect((await call('POST', '/v1/connections', connectBody(sf1))).body.error.code).toBe('ALL_INSTANCES_CONNECTED');
    const eligibility = (await call('GET', '/v1/applications/salesforce/eligibility')).body;
    expect(eligibility).toMatchObject({ connectable: false, reason: 'ALL_INSTANCES_CONNECTED' });

    const apps = (await call('GET', '/v1/applications')).body.items;
    const sf = apps.find((a: { appKey: string }) => a.appKey === 'salesforce');
    expect(sf.instances.find((i: { instanceId: string }) => i.instanceId === sf1).connection).toEqual({
      id: first.body.id,
      kind: 'provisioning',
      vendor: 'acme',
      status: 'connected',
    });
  });

  it('walks connect → disconnect → reconnect → disconnect → delete, refusing wrong transitions', async () => {
    const { call, sf1, sf2, tenantId } = await tenantWithInstances();
    const c = (await call('POST', '/v1/connections', connectBody(sf1, { effectiveAt: '2025-01-01T00:00:00Z' }))).body;
    expect(c).toEqual({
      id: expect.any(String),
      instanceId: sf1,
      appKey: 'salesforce',
      kind: 'provisioning',
      vendor: 'acme',
      supportsLicenseTiers: true,
      status: 'connected',
      periods: [{ from: '2025-01-01T00:00:00.000Z', to: null }],
      createdAt: expect.any(String),
    });
    expect((await call('POST', `/v1/connections/${c.id}/reconnect`, {})).body.error.code).toBe('INVALID_TRANSITION');
    expect((await call('DELETE', `/v1/connections/${c.id}`)).body.error.code).toBe('CONNECTION_STILL_CONNECTED');
    // The transition is judged first: an effectiveAt that would be refused does not change the answer.
    expect(
      (await call('POST', `/v1/connections/${c.id}/reconnect`, { effectiveAt: '2024-01-01T00:00:00Z' })).body.error
        .code,
    ).toBe('INVALID_TRANSITION');
    expect((await call('DELETE', `/v1/connections/${c.id}?effectiveAt=2024-01-01T00:00:00Z`)).body.error.code).toBe(
      'CONNECTION_STILL_CONNECTED',
    );

    expect(
      (await call('POST', `/v1/connections/${c.id}/disconnect`, { effectiveAt: '2025-06-01T00:00:00Z' })).body.status,
    ).toBe('disconnected');
    expect((await call('POST', `/v1/connections/${c.id}/disconnect`, {})).body.error.code).toBe('INVALID_TRANSITION');
    // Not before the instance's latest lifecycle change, not in the future.
    expect(
      (await call('POST', `/v1/connections/${c.id}/reconnect`, { effectiveAt: '2025-05-01T00:00:00Z' })).body.error
        .code,
    ).toBe('EFFECTIVE_AT_INVALID');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('POST', `/v1/connections/${c.id}/reconnect`, { effectiveAt: future })).body.error.code).toBe(
      'EFFECTIVE_AT_INVALID',
    );
    expect((await call('POST', `/v1/connections/${c.id}/reconnect`, { effectiveAt: 'yesterday' })).status).toBe(400);

    const reconnected = (
      await call('POST', `/v1/connections/${c.id}/reconnect`, { effectiveAt: '2025-09-01T00:00:00Z' })
    ).body;
    expect(reconnected.periods).toEqual([
      { from: '2025-01-01T00:00:00.000Z', to: '2025-06-01T00:00:00.000Z' },
      { from: '2025-09-01T00:00:00.000Z', to: null },
    ]);
    await call('POST', `/v1/connections/${c.id}/disconnect`, {});
    const deleted = await call('DELETE', `/v1/connections/${c.id}`);
    expect([deleted.status, deleted.body.connectionId, deleted.body.status]).toEqual([202, c.id, 'deleted']);
    expect((await call('DELETE', `/v1/connections/${c.id}`)).status).toBe(202);
    // Delete is idempotent (R12), also when repeated with its original, now earlier, effectiveAt.
    expect((await call('DELETE', `/v1/connections/${c.id}?effectiveAt=2025-06-01T00:00:00Z`)).status).toBe(202);
    expect((await call('POST', `/v1/connections/${c.id}/reconnect`, {})).body.error.code).toBe('INVALID_TRANSITION');

    // Another tenant's id is as unknown as a wrong one.
    const other = internalCall(url, 'someone-else');
    expect((await other('GET', `/v1/connections/${c.id}`)).status).toBe(404);
    expect((await other('POST', `/v1/connections/${c.id}/disconnect`, {})).status).toBe(404);
    expect((await call('GET', '/v1/connections/not-a-uuid')).status).toBe(404);
    // The list, of one instance: the tenant's own only; an unknown or another tenant's instance has none.
    const neighbour = (await call('POST', '/v1/connections', connectBody(sf2))).body;
    const ofInstance: Array<{ id: string; instanceId: string }> = (
      await call('GET', `/v1/connections?instanceId=${c.instanceId}`)
    ).body.items;
    expect(ofInstance.map((x) => x.id)).toEqual([c.id]);
    const all: Array<{ id: string }> = (await call('GET', '/v1/connections')).body.items;
    expect(all.map((x) => x.id).sort()).toEqual([c.id, neighbour.id].sort());
    expect((await other('GET', `/v1/connections?instanceId=${c.instanceId}`)).body.items).toEqual([]);
    expect((await call('GET', '/v1/connections?instanceId=not-a-uuid')).body.items).toEqual([]);
    expect((await call('GET', '/v1/connections?instance=x')).status).toBe(400);

    // Every change left through the outbox, in order, keyed by instance.
    const messages = await readTopic(
      TOPICS.registryConnections,
      (m) => m.filter((x) => x.value?.includes(c.id)).length >= 5,
    );
    const mine = messages.filter((m) => m.value?.includes(c.id));
    expect(mine.map((m) => registryConnectionEventSchema.parse(JSON.parse(m.value!)).type)).toEqual([
      'connection.connected',
      'connection.disconnected',
      'connection.reconnected',
      'connection.disconnected',
      'connection.deleted',
    ]);
    expect(new Set(mine.map((m) => m.key))).toEqual(new Set([instanceKey(tenantId, sf1)]));

    // The instance is free again: a new connection, after the deleted one's last change.
    expect((await call('POST', '/v1/connections', connectBody(sf1))).status).toBe(201);
  });

  it('lets exactly one of 100 concurrent connects of one instance win', async () => {
    const { call, sf1 } = await tenantWithInstances();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => call('POST', '/v1/connections', connectBody(sf1))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.error.code))).toEqual(
      new Set(['INSTANCE_ALREADY_CONNECTED']),
    );
  });

  it('never lets the periods of one instance overlap, whatever the connection', async () => {
    const { call, sf1 } = await tenantWithInstances();
    const a = (await call('POST', '/v1/connections', connectBody(sf1, { effectiveAt: '2025-01-01T00:00:00Z' }))).body;
    await call('POST', `/v1/connections/${a.id}/disconnect`, { effectiveAt: '2025-03-01T00:00:00Z' });
    expect((await call('DELETE', `/v1/connections/${a.id}?effectiveAt=2025-03-01T00:00:00Z`)).status).toBe(202);
    const early = await call('POST', '/v1/connections', connectBody(sf1, { effectiveAt: '2025-02-01T00:00:00Z' }));
    expect(early.body.error.code).toBe('EFFECTIVE_AT_INVALID');
    const b = await call('POST', '/v1/connections', connectBody(sf1, { effectiveAt: '2025-04-01T00:00:00Z' }));
    expect(b.status).toBe(201);

    // The database itself refuses an overlapping period, whatever code tried to write it.
    const em = app.get<MikroORM>(MikroORM).em.fork();
    await expect(
      query(em, 'insert into connection_period (connection_id, instance_id, "from", "to") values (?, ?, ?, ?)', [
        a.id,
        sf1,
        '2025-02-15T00:00:00Z',
        '2025-05-01T00:00:00Z',
      ]),
    ).rejects.toMatchObject({ code: '23P01' });
  });
});
