// R15 waits, but not forever (SPEC §4): connector data naming a connection still unknown,
// and pages of a set still incomplete, reach the DLQ with the reason once their wait is over.
import { connectorEventKey, dlqTopicOf, instanceKey, newEvent, TOPICS } from '@org/contracts';
import { eventually, produce, readTopic, startTestService } from '@org/testing';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { aConnectionChange } from '@org/contracts/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { loadResolverConfig } from '../src/config';

describe('provisioning-resolver: bounded waits', () => {
  let app: INestApplication;
  let db: Client;
  beforeAll(async () => {
    ({ app } = await startTestService(
      AppModule.forRoot(
        loadResolverConfig({ ...process.env, RESOLVER_CONNECTION_WAIT_MS: '1500', RESOLVER_PAGE_SET_WAIT_MS: '3000' }),
      ),
    ));
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query('set search_path to provisioning_resolver');
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('gives up on an unknown connection and on an incomplete page set, with the reason', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const unknown = randomUUID();
    const known = randomUUID();
    const instanceId = randomUUID();
    const page = (connectionId: string, syncId: string, pageNo: number, pageCount: number) => ({
      key: connectorEventKey(tenantId, connectionId),
      value: newEvent('connector.snapshot', tenantId, {
        connectionId,
        syncId,
        asOf: new Date(Date.now() - 3_600_000).toISOString(),
        page: pageNo,
        pageCount,
        users: [{ userId: 'u1', email: 'u1@acme.test', tier: null, status: 'active' }],
      }),
    });
    const from = new Date(Date.now() - 86_400_000).toISOString();
    await produce(TOPICS.registryConnections, [
      {
        key: instanceKey(tenantId, instanceId),
        value: aConnectionChange('connection.connected', {
          tenantId,
          data: { connectionId: known, instanceId, kind: 'engagement', effectiveAt: from },
        }),
      },
    ]);
    // Known before its pages arrive: on a loaded machine the 1.5 s wait for an unknown
    // connection could otherwise run out first, and the partial set be refused as UNKNOWN_CONNECTION.
    await eventually(
      async () => (await db.query('select 1 from connection_fact where connection_id = $1', [known])).rowCount === 1,
      30_000,
    );
    await produce(TOPICS.connectorSnapshots, [page(unknown, 'orphan', 1, 1), page(known, 'partial', 1, 2)]);
    await produce(TOPICS.connectorUsage, [
      {
        key: connectorEventKey(tenantId, unknown),
        value: newEvent('connector.usage', tenantId, {
          connectionId: unknown,
          userId: 'u1',
          day: from.slice(0, 10),
          events: 2,
        }),
      },
    ]);

    const codeOf = (messages: Array<{ value: string | null }>, syncOrUser: string) => {
      const m = messages.find((x) => x.value?.includes(syncOrUser));
      return m && JSON.parse(m.value!).error.code;
    };
    const snapshots = await readTopic(
      dlqTopicOf(TOPICS.connectorSnapshots),
      (ms) => ms.filter((m) => m.value?.includes(tenantId)).length >= 2,
      30_000,
    );
    expect(codeOf(snapshots, '\\"syncId\\":\\"orphan\\"')).toBe('UNKNOWN_CONNECTION');
    expect(codeOf(snapshots, '\\"syncId\\":\\"partial\\"')).toBe('INCOMPLETE_PAGE_SET');
    const usage = await readTopic(
      dlqTopicOf(TOPICS.connectorUsage),
      (ms) => ms.some((m) => m.value?.includes(tenantId)),
      30_000,
    );
    expect(codeOf(usage, tenantId)).toBe('UNKNOWN_CONNECTION');
    // The original event travels in the DLQ value, as it came.
    const orphan = JSON.parse(JSON.parse(snapshots.find((m) => m.value!.includes('orphan'))!.value!).value);
    expect(orphan).toMatchObject({
      tenantId,
      type: 'connector.snapshot',
      data: { connectionId: unknown, syncId: 'orphan' },
    });

    const { rows } = await db.query(
      `select (select count(*) from snapshot_page where tenant_id = $1)::int as pages,
              (select count(*) from usage_fact where tenant_id = $1)::int as usage`,
      [tenantId],
    );
    expect(rows).toEqual([{ pages: 0, usage: 0 }]);
  });
});
