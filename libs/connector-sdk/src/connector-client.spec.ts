import { ConnectorClient } from './connector-client';
import { InvalidEventError } from './invalid-event.error';

// No broker: every call here must fail before anything is sent.
const client = new ConnectorClient({ brokers: ['127.0.0.1:1'], pageSize: 2, attempts: 1 });
const connectionId = '3f1c2b9e-8a47-4c1d-9e2f-5b6a7c8d9e0f';
const user = (n: number, over: object = {}) => ({
  userId: `u${n}`,
  email: `u${n}@example.com`,
  tier: 'Pro',
  status: 'active',
  ...over,
});

async function problemOf(call: Promise<unknown>): Promise<InvalidEventError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidEventError);
  return error as InvalidEventError;
}

describe('the connector SDK checks events against the contract before sending', () => {
  it('names the field of a bad user by its place in the whole list, across pages', async () => {
    const error = await problemOf(
      client.sendSnapshot('acme', {
        connectionId,
        asOf: '2026-11-01T00:00:00Z',
        users: [user(0), user(1), user(2), user(3), user(4, { email: 'not-an-email' })],
      }),
    );
    expect(error.eventType).toBe('connector.snapshot');
    expect(error.problems).toEqual([{ field: 'users[4].email', message: expect.any(String) }]);
    expect(error.message).toMatch(/^invalid connector\.snapshot: users\[4\]\.email: /);
  });

  it('names the event of a list and its field', async () => {
    const login = {
      ssoConnectionId: connectionId,
      ssoAppId: 'zoom-1',
      appKey: 'zoom',
      appName: 'Zoom',
      userId: 'u1',
      email: 'u1@example.com',
      method: 'sso' as const,
      at: '2026-11-01T09:00:00Z',
    };
    const error = await problemOf(
      client.sendLogins('acme', [login, { ...login, method: 'password' as 'sso' }, { ...login, at: 'yesterday' }]),
    );
    expect(error.problems.map((p) => p.field)).toEqual(['[1].method', '[2].at']);
  });

  it('refuses ids the message keys cannot carry, and a tenant id among them', async () => {
    const error = await problemOf(
      client.sendSnapshot('acme:corp', { connectionId: 'not-a-uuid', asOf: '2026-11-01T00:00:00Z', users: [] }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(['connectionId', 'tenantId']);
  });

  it('checks usage and assignment lists too', async () => {
    expect(
      (await problemOf(client.sendUsage('acme', [{ connectionId, userId: 'u1', day: '2026-13-01', events: 1 }])))
        .problems[0].field,
    ).toBe('[0].day');
    expect(
      (
        await problemOf(
          client.sendAssignments('acme', {
            ssoConnectionId: connectionId,
            ssoAppId: 'zoom-1',
            appKey: 'Zoom App',
            appName: 'Zoom',
            asOf: '2026-11-01T00:00:00Z',
            users: [],
          }),
        )
      ).problems[0].field,
    ).toBe('appKey');
  });
});
