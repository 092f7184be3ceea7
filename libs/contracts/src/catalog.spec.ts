import { randomUUID } from 'node:crypto';
import { aLogin, anAssignmentPage, aSnapshotPage } from './testing';
import { parseEvent } from './catalog';
import { TOPICS } from './topics';

describe('parseEvent', () => {
  it('accepts the example events of each input topic', () => {
    expect(parseEvent(TOPICS.ssoEvents, JSON.stringify(aLogin()))).toMatchObject({ ok: true });
    expect(parseEvent(TOPICS.ssoEvents, JSON.stringify(anAssignmentPage()))).toMatchObject({ ok: true });
    expect(parseEvent(TOPICS.connectorSnapshots, JSON.stringify(aSnapshotPage()))).toMatchObject({ ok: true });
  });

  it.each([
    ['an empty value', null, 'empty message value'],
    ['not JSON', '{oops', 'not JSON'],
    ['an unknown version', JSON.stringify({ ...aLogin(), version: 2 }), 'envelope: version'],
    ['a bad id', JSON.stringify({ ...aLogin(), id: 'nope' }), 'envelope: id'],
    ['a tenant id with the key separator', JSON.stringify({ ...aLogin(), tenantId: 'a:b' }), 'envelope: tenantId'],
    ['a type of another topic', JSON.stringify(aSnapshotPage()), 'connector.snapshot: type'],
    ['an unknown login method', JSON.stringify(aLogin({ data: { method: 'password' as never } })), 'data.method'],
    ['a page beyond pageCount', JSON.stringify(anAssignmentPage({ data: { page: 3, pageCount: 2 } })), 'data.page'],
    ['an e-mail without @', JSON.stringify(aLogin({ data: { email: 'alice.example.com' } })), 'data.email'],
    ['an e-mail with a space', JSON.stringify(aLogin({ data: { email: 'alice @example.com' } })), 'data.email'],
  ])('refuses %s, naming the field', (_, value, reason) => {
    const parsed = parseEvent(TOPICS.ssoEvents, value);
    expect(parsed).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(parsed.ok === false && parsed.reason).toContain(reason);
  });

  it.each(['alice@localhost', 'Zoë.Müller@bücher.example', "o'brien+sso@sub.corp.co.uk"])(
    'accepts the address %s as directories hold it',
    (email) => {
      expect(parseEvent(TOPICS.ssoEvents, JSON.stringify(aLogin({ data: { email } })))).toMatchObject({ ok: true });
    },
  );

  it('accepts ids and app keys as platforms hand them out, but not what would break a message key', () => {
    const login = (data: object) => parseEvent(TOPICS.ssoEvents, JSON.stringify(aLogin({ data })));
    expect(login({ userId: 'alice+test@acme.com', ssoAppId: 'Zoë/prod#2', appKey: 'Salesforce' }).ok).toBe(true);
    expect(login({ userId: 'a:b' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(login({ ssoAppId: 'a b' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(login({ userId: 'a\u0000b' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(login({ appKey: 'sales/force' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  it('takes ids from the envelope and data, never from elsewhere', () => {
    const id = randomUUID();
    const parsed = parseEvent(TOPICS.ssoEvents, JSON.stringify(aLogin({ id, tenantId: 'tenant-z' })));
    expect(parsed.ok && parsed.event).toMatchObject({ id, tenantId: 'tenant-z' });
  });
});
