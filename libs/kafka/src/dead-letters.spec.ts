import { byReason, type DeadLetter, deadLetterOf, matches, redrivePlan } from './dead-letters';
import { dlqValue } from './outbox';

let offset = 0;
/** A DLQ message as the consumer writes it (value from dlqValue, headers), read back. */
function letter(value: unknown, code = 'UNKNOWN_CONNECTION', headers: Record<string, string> = {}, at = Date.now()) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return deadLetterOf({
    partition: 0,
    offset: String(offset++),
    timestamp: String(at),
    key: Buffer.from('t1:c1'),
    value: Buffer.from(
      JSON.stringify(dlqValue({ code: code as never, message: `${code} because` }, { topic: 'x' }, 't1:c1', text)),
    ),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  });
}
const event = (id: string, tenantId = 't1') => ({ id, type: 'connector.snapshot', version: 1, tenantId, data: {} });

describe('dead letters', () => {
  it('reads the reason, the original value, its event id and tenant, and the redrives so far', () => {
    const l = letter(event('e1'), 'UNKNOWN_CONNECTION', { 'x-redrive-count': '2' });
    expect(l).toMatchObject({ code: 'UNKNOWN_CONNECTION', key: 't1:c1', eventId: 'e1', tenantId: 't1', redrives: 2 });
    expect(JSON.parse(l.value!)).toEqual(event('e1'));
    expect(letter('not json', 'INVALID_PAYLOAD')).toMatchObject({ eventId: null, tenantId: null, value: 'not json' });
  });

  it('groups by reason, most frequent first, and filters by reason, tenant and time', () => {
    const letters = [letter(event('a')), letter(event('b', 't2')), letter('x', 'INVALID_PAYLOAD', {}, 1_000)];
    expect(byReason(letters).map((g) => [g.code, g.count, g.tenants])).toEqual([
      ['UNKNOWN_CONNECTION', 2, ['t1', 't2']],
      ['INVALID_PAYLOAD', 1, ['(unknown)']],
    ]);
    expect(letters.filter((l) => matches(l, { tenant: 't2' })).map((l) => l.eventId)).toEqual(['b']);
    expect(letters.filter((l) => matches(l, { reason: 'INVALID_PAYLOAD' }))).toHaveLength(1);
    expect(letters.filter((l) => matches(l, { since: new Date(2_000) }))).toHaveLength(2);
  });

  it('sends each event back once, counting its redrives, and keeps it after the third', () => {
    const once = redrivePlan([letter(event('a')), letter(event('b'))]);
    expect(once.send.map((s) => [s.letter.eventId, s.redrives])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    // Refused again twice (headers say so): the latest copy goes, as the third redrive.
    const copies = [
      letter(event('c')),
      letter(event('c'), 'X', { 'x-redrive-count': '1' }),
      letter(event('c'), 'X', { 'x-redrive-count': '2' }),
    ];
    expect(redrivePlan(copies).send.map((s) => [s.letter.code, s.redrives])).toEqual([['X', 3]]);
    const spent = [...copies, letter(event('c'), 'X', { 'x-redrive-count': '3' })];
    expect(redrivePlan(spent)).toMatchObject({ send: [], exhausted: [{ eventId: 'c' }] });
    // Copies written without headers (a wait given up, through the outbox) count as refusals.
    expect(redrivePlan([1, 2, 3, 4].map(() => letter(event('d')))).exhausted).toHaveLength(1);
    // Without an id, copies are known by key and value.
    expect(
      redrivePlan([letter('junk', 'INVALID_PAYLOAD'), letter('junk', 'INVALID_PAYLOAD', { 'x-redrive-count': '1' })])
        .send,
    ).toEqual([expect.objectContaining({ redrives: 2 })]);
  });

  it('does not send back a copy that was cut', () => {
    const cut: DeadLetter = { ...letter(event('big')), value: null };
    expect(redrivePlan([cut])).toMatchObject({ send: [], cut: [cut] });
  });
});
