import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { instanceIdOf, ssoEventKey, ssoInstancesEventSchema, TOPICS, dlqTopicOf } from '@org/contracts';
import { aLogin } from '@org/contracts/testing';
import { query } from '@org/database';
import { eventually, internalCall, produce, type ReadMessage, readTopic, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadSsoIngestConfig } from '../src/config';

describe('sso-ingest: SSO connections and sso.events.v1', () => {
  let app: INestApplication;
  let url: string;
  const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
  const otherTenant = `tenant-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadSsoIngestConfig())));
  });
  afterAll(() => app?.close());

  const em = () => app.get<MikroORM>(MikroORM).em.fork();
  const call = (tenant = tenantId) => internalCall(url, tenant);
  const loginKey = (e: ReturnType<typeof aLogin>) => ssoEventKey(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId);

  it('answers 401 to a call that skips the gateway', async () => {
    const res = await fetch(`${url}/v1/sso-connections`, { headers: { 'x-tenant-id': tenantId } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('creates and lists SSO connections per tenant, and validates the body', async () => {
    const created = await call()('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta prod' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      platform: 'okta',
      name: 'Okta prod',
      createdAt: expect.any(String),
    });

    expect((await call()('GET', '/v1/sso-connections')).body.items.map((c: { id: string }) => c.id)).toContain(
      created.body.id,
    );
    expect((await call(otherTenant)('GET', '/v1/sso-connections')).body.items).toEqual([]);

    const bad = await call()('POST', '/v1/sso-connections', { platform: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['platform', 'name']);
  });

  it('stores logins once, publishes the instance, and sends what it cannot process to the DLQ', async () => {
    const sso = (await call()('POST', '/v1/sso-connections', { platform: 'okta', name: 'Okta' })).body;
    const foreign = (await call(otherTenant)('POST', '/v1/sso-connections', { platform: 'entra', name: 'Entra' })).body;
    const login = aLogin({ tenantId, data: { ssoConnectionId: sso.id, ssoAppId: 'sf-prod', method: 'sso' } });
    const social = aLogin({
      tenantId,
      data: { ssoConnectionId: sso.id, ssoAppId: 'zoom-1', appKey: 'zoom', method: 'social' },
    });
    const unknown = aLogin({ tenantId, data: { ssoConnectionId: randomUUID() } });
    const otherTenants = aLogin({ tenantId, data: { ssoConnectionId: foreign.id } });
    const after = aLogin({ tenantId, data: { ssoConnectionId: sso.id, ssoAppId: 'sf-prod', userId: 'user-2' } });

    await produce(TOPICS.ssoEvents, [
      { key: loginKey(login), value: login },
      { key: loginKey(login), value: '{"id": "not even json' },
      { key: loginKey(login), value: login }, // resent: applied once
      { key: loginKey(social), value: social },
      { key: loginKey(unknown), value: unknown },
      { key: loginKey(otherTenants), value: otherTenants },
      { key: loginKey(login), value: { ...login, id: randomUUID(), version: 2 } },
      { key: loginKey(after), value: after },
    ]);

    const instanceId = instanceIdOf(tenantId, sso.id, 'sf-prod');
    const users = await eventually(async () => {
      const found = await query<{ user_id: string }>(
        em(),
        'select user_id from login_history where instance_id = ? order by 1',
        [instanceId],
      );
      return found.length === 2 ? found : null;
    });
    expect(users!.map((r) => r.user_id)).toEqual([login.data.userId, after.data.userId].sort());
    // R2: a social login is no login data: no history, no estimate for it.
    const socialRows = await query(em(), 'select 1 from login_history where instance_id = ?', [
      instanceIdOf(tenantId, sso.id, 'zoom-1'),
    ]);
    expect(socialRows).toEqual([]);

    // The DLQ is at least once (a retried chunk may send a refusal again): count origins.
    const mine = (messages: ReadMessage[]) => {
      const byOrigin = new Map<string, ReadMessage>();
      for (const m of messages) {
        if (m.value?.includes(tenantId) || m.value?.includes('not even json')) {
          byOrigin.set(`${m.headers['x-origin-partition']}:${m.headers['x-origin-offset']}`, m);
        }
      }
      return [...byOrigin.values()];
    };
    const dlq = mine(await readTopic(dlqTopicOf(TOPICS.ssoEvents), (m) => mine(m).length >= 4));
    const codes = dlq.map((m) => m.headers['x-error-code']).sort();
    expect(codes).toEqual(['INVALID_PAYLOAD', 'INVALID_PAYLOAD', 'TENANT_MISMATCH', 'UNKNOWN_SSO_CONNECTION']);
    const unknownEntry = dlq.find(
      (m) => m.headers['x-error-code'] === 'UNKNOWN_SSO_CONNECTION' && m.value?.includes(unknown.id),
    )!;
    expect(JSON.parse(unknownEntry.value!).error.message).toContain(unknown.data.ssoConnectionId);

    const instances = await readTopic(
      TOPICS.ssoInstances,
      (m) =>
        m.some((x) => x.value?.includes(instanceId) && x.value.includes('"hasNonSocialLogins":true')) &&
        m.some((x) => x.value?.includes(instanceIdOf(tenantId, sso.id, 'zoom-1'))),
    );
    const published = instances.map((m) => ssoInstancesEventSchema.parse(JSON.parse(m.value!)));
    // This suite's own Zoom instance: other suites publish instances named zoom-1 on the run's topic.
    const zoomId = instanceIdOf(tenantId, sso.id, 'zoom-1');
    const zoom = published.find((e) => e.type === 'sso.instance.changed' && e.data.instanceId === zoomId);
    // R2: a social login is no login data; R14: it still is the instance's first login.
    expect(zoom?.data).toMatchObject({
      appKey: 'zoom',
      hasNonSocialLogins: false,
      firstLoginAt: new Date(social.data.at).toISOString(),
    });
    const sf = instances.find((m) => m.value?.includes(instanceId))!;
    expect(sf.key).toBe(ssoEventKey(tenantId, sso.id, 'sf-prod'));
  });

  it('deletes an SSO connection of its tenant only; another tenant gets 404', async () => {
    const sso = (await call()('POST', '/v1/sso-connections', { platform: 'okta', name: 'to delete' })).body;
    expect((await call(otherTenant)('DELETE', `/v1/sso-connections/${sso.id}`)).status).toBe(404);
    expect((await call()('DELETE', '/v1/sso-connections/not-a-uuid')).status).toBe(404);
    expect((await call()('DELETE', `/v1/sso-connections/${sso.id}`)).status).toBe(204);
    expect((await call()('DELETE', `/v1/sso-connections/${sso.id}`)).status).toBe(404);
  });
});
