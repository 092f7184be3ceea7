import type { INestApplication } from '@nestjs/common';
import { instanceIdOf, ssoConnectionKey, ssoEventKey, type SsoInstancesEvent, TOPICS } from '@org/contracts';
import { eventually, internalCall, produce, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadRegistryConfig } from '../src/config';

const envelope = <E extends SsoInstancesEvent>(tenantId: string, type: E['type'], data: E['data']) =>
  ({ id: randomUUID(), type, version: 1, tenantId, occurredAt: new Date().toISOString(), data }) as E;

describe('connector-registry: what it knows of SSO (sso.instances.v1)', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    ({ app, url } = await startTestService(AppModule.forRoot(loadRegistryConfig())));
  });
  afterAll(() => app?.close());

  it('lists instances per application, keeps the newest login data whatever the order, and drops removed SSO connections', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const ssoConnectionId = randomUUID();
    const instanceId = instanceIdOf(tenantId, ssoConnectionId, 'sf-1');
    const instance = (hasNonSocialLogins: boolean, lastLoginAt: string) =>
      envelope(tenantId, 'sso.instance.changed', {
        instanceId,
        ssoConnectionId,
        ssoAppId: 'sf-1',
        appKey: 'salesforce',
        appName: 'Salesforce',
        hasNonSocialLogins,
        lastLoginAt,
      });
    const key = ssoEventKey(tenantId, ssoConnectionId, 'sf-1');
    const newer = instance(true, '2026-11-02T00:00:00.000Z');
    await produce(TOPICS.ssoInstances, [
      {
        key: ssoConnectionKey(tenantId, ssoConnectionId),
        value: envelope(tenantId, 'sso.connection.created', {
          ssoConnectionId,
          platform: 'okta',
          name: 'Okta',
          createdAt: new Date().toISOString(),
        }),
      },
      { key, value: newer },
      { key, value: instance(false, '2026-11-01T00:00:00.000Z') }, // late: older facts
      { key, value: newer }, // resent
    ]);

    const call = internalCall(url, tenantId);
    const apps = await eventually(async () => {
      const body = (await call('GET', '/v1/applications')).body;
      return body.items.length ? body : null;
    });
    expect(apps.items).toEqual([
      {
        appKey: 'salesforce',
        appName: 'Salesforce',
        instances: [
          {
            instanceId,
            ssoConnectionId,
            ssoAppId: 'sf-1',
            hasNonSocialLogins: true,
            lastLoginAt: '2026-11-02T00:00:00.000Z',
            connection: null,
          },
        ],
      },
    ]);
    expect((await internalCall(url, 'someone-else')('GET', '/v1/applications')).body).toEqual({ items: [] });

    await produce(TOPICS.ssoInstances, [
      {
        key: ssoConnectionKey(tenantId, ssoConnectionId),
        value: envelope(tenantId, 'sso.connection.removed', { ssoConnectionId }),
      },
    ]);
    await eventually(async () => (await call('GET', '/v1/applications')).body.items.length === 0);
  });
});
