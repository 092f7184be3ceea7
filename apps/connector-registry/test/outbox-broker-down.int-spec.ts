import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { registryConnectionEventSchema, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { createKafka, OutboxRelay } from '@org/kafka';
import { eventually, internalCall, newScope, scopeEnv, startPrivateBroker, startTestService } from '@org/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadRegistryConfig } from '../src/config';

describe('connector-registry: the outbox while the broker is down', () => {
  let broker: Awaited<ReturnType<typeof startPrivateBroker>>;
  let app: INestApplication;
  let url: string;
  let prefix: string;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    const scope = await newScope('private-broker', { brokers: broker.brokers });
    prefix = scope.topicPrefix;
    ({ app, url } = await startTestService(
      AppModule.forRoot(loadRegistryConfig({ ...process.env, ...scopeEnv(scope) })),
    ));
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    broker?.remove();
  });

  it('accepts commands with the broker stopped, and publishes their events in order once it is back', async () => {
    const em = () => app.get<MikroORM>(MikroORM).em.fork();
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const ssoConnectionId = randomUUID();
    const instanceId = randomUUID();
    // What sso.instances.v1 would have brought (the broker is about to go away).
    await query(em(), 'insert into known_sso_connection (id, tenant_id, removed) values (?, ?, false)', [
      ssoConnectionId,
      tenantId,
    ]);
    await query(
      em(),
      `insert into known_instance (id, tenant_id, sso_connection_id, sso_app_id, app_key, app_name, has_non_social_logins, last_login_at)
       values (?, ?, ?, 'sf-1', 'salesforce', 'Salesforce', true, now())`,
      [instanceId, tenantId, ssoConnectionId],
    );

    broker.stop();
    const call = internalCall(url, tenantId);
    const connected = await call('POST', '/v1/connections', {
      instanceId,
      kind: 'provisioning',
      vendor: 'acme',
      supportsLicenseTiers: false,
    });
    expect(connected.status).toBe(201);
    expect((await call('POST', `/v1/connections/${connected.body.id}/disconnect`, {})).status).toBe(200);
    // Each change's event and its audit record, in the order of the changes.
    const pending = await query<{ topic: string }>(em(), 'select topic from outbox_event order by seq');
    expect(pending.map((r) => r.topic)).toEqual([
      TOPICS.registryConnections,
      TOPICS.audit,
      TOPICS.registryConnections,
      TOPICS.audit,
    ]);

    // Wait for the relay to have failed against the stopped broker: the recovery is what is tested.
    await eventually(() => !app.get(OutboxRelay).healthy, 120_000, 500);
    broker.start();
    await eventually(async () => (await query(em(), 'select 1 from outbox_event')).length === 0, 120_000, 500);

    const kafka = createKafka({ brokers: [broker.brokers], clientId: 'outbox-reader', topicPrefix: prefix });
    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}${TOPICS.registryConnections}`, fromBeginning: true });
    // At least once: a send cut short by the broker going away is sent again, under the same event id.
    const types = new Map<string, string>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const event = registryConnectionEventSchema.parse(JSON.parse(message.value!.toString()));
          if (!types.has(event.id)) types.set(event.id, event.type);
          if (types.size === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect([...types.values()]).toEqual(['connection.connected', 'connection.disconnected']);
  }, 240_000);
});
