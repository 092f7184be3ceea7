import { addToOutbox, dlqEntry, dlqValue } from './outbox';
import { FakeDatabase } from './testing-fakes';

const error = { code: 'INVALID_PAYLOAD' as const, message: 'not JSON' };
const origin = { topic: 'tenants.v1', partition: 1, offset: '5' };

describe('dlqValue', () => {
  it('copies the value as it came, as a string, and null as null', () => {
    expect(dlqValue(error, origin, 'k', '{oops')).toEqual({ error, origin, key: 'k', value: '{oops' });
    expect(dlqValue(error, origin, null, null)).toEqual({ error, origin, key: null, value: null });
    expect(dlqValue(error, origin, 'k', { a: 1 })).toEqual({ error, origin, key: 'k', value: '{"a":1}' });
  });

  it('keeps a value of exactly 400,000 bytes whole, and cuts a longer one saying how many bytes it had', () => {
    expect(dlqValue(error, origin, 'k', 'x'.repeat(400_000))).toEqual({
      error,
      origin,
      key: 'k',
      value: 'x'.repeat(400_000),
    });
    expect(dlqValue(error, origin, 'k', 'x'.repeat(400_001))).toEqual({
      error,
      origin,
      key: 'k',
      value: 'x'.repeat(400_000),
      valueLength: 400_001,
    });
  });

  it('measures the cut in UTF-8 bytes, not characters, and never splits a character', () => {
    expect(dlqValue(error, origin, 'k', 'é'.repeat(200_000)).value).toBe('é'.repeat(200_000));
    const euros = dlqValue(error, origin, 'k', '€'.repeat(400_001));
    expect([euros.value, euros.valueLength]).toEqual(['€'.repeat(133_333), 1_200_003]);
    const emoji = dlqValue(error, origin, 'k', `x${'😀'.repeat(100_000)}`);
    expect([emoji.value, emoji.valueLength]).toEqual([`x${'😀'.repeat(99_999)}`, 400_001]);
  });

  it('counts what JSON escapes as it travels: quotes and backslashes twice, control characters six times', () => {
    const quoted = dlqValue(error, origin, 'k', '"'.repeat(200_001));
    expect([quoted.value, quoted.valueLength]).toEqual(['"'.repeat(200_000), 200_001]);
    const controls = dlqValue(error, origin, 'k', '\u0001'.repeat(100_000));
    expect([controls.value, controls.valueLength]).toEqual(['\u0001'.repeat(66_666), 100_000]);
    expect(Buffer.byteLength(JSON.stringify(controls.value))).toBeLessThanOrEqual(400_002);
    expect(dlqValue(error, origin, 'k', '\n'.repeat(200_000)).valueLength).toBeUndefined();
  });
});

describe('dlqEntry', () => {
  it('addresses a background refusal to <topic>.dlq with the same value, origin being the topic only', () => {
    expect(dlqEntry('tenants.v1', 'tenant-a', { id: 1 }, error)).toEqual({
      topic: 'tenants.v1.dlq',
      key: 'tenant-a',
      value: { error, origin: { topic: 'tenants.v1' }, key: 'tenant-a', value: '{"id":1}' },
    });
  });
});

describe('addToOutbox', () => {
  it('writes any number of events in one statement, as parallel arrays, and nothing for none', async () => {
    const db = new FakeDatabase();
    await db.orm.em.transactional(async (em) => {
      await addToOutbox(em, []);
      await addToOutbox(em, [
        { topic: 'tenants.v1', key: 'a', value: { n: 1 } },
        { topic: 'tenants.v1.dlq', key: 'b', value: { n: 2 } },
      ]);
    });
    expect(db.statements.map((s) => s.params)).toEqual([
      [
        ['tenants.v1', 'tenants.v1.dlq'],
        ['a', 'b'],
        ['{"n":1}', '{"n":2}'],
        // No trace here: the relay's send then starts none.
        [null, null],
      ],
    ]);
  });
});
