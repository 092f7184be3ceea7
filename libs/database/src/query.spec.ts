import type { EntityManager } from '@mikro-orm/postgresql';
import type { CompiledQuery } from 'kysely';
import { positional, query } from './query';

// What the pool (or the transaction) is handed: the SQL text and the values, separately.
function emOver(rows: unknown[] = [], inTransaction = false) {
  const pool: Array<{ text: string; values: readonly unknown[] }> = [];
  const transaction: typeof pool = [];
  const executor = (sent: typeof pool) => ({
    executeQuery: async (compiled: CompiledQuery) => {
      sent.push({ text: compiled.sql, values: compiled.parameters });
      return { rows };
    },
  });
  const em = {
    getConnection: () => ({ getClient: () => executor(pool) }),
    getTransactionContext: () => (inTransaction ? executor(transaction) : undefined),
  } as unknown as EntityManager;
  return { em, pool, transaction };
}

describe('query', () => {
  it('binds each ? as $n in order and returns the rows', async () => {
    const { em, pool } = emOver([{ n: 1 }]);
    await expect(query(em, 'select ? as a, ? as b where c = ?', ['x', 2, true])).resolves.toEqual([{ n: 1 }]);
    expect(pool).toEqual([{ text: 'select $1 as a, $2 as b where c = $3', values: ['x', 2, true] }]);
  });

  it('passes an array as one parameter, empty or not, where em.execute would expand it into a list', async () => {
    const { em, pool } = emOver();
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    await query(em, 'select unnest(?::uuid[]), ?', [ids, 'tenants.v1']);
    await query(em, 'delete from t where id = any(?::bigint[])', [[]]);
    expect(pool).toEqual([
      { text: 'select unnest($1::uuid[]), $2', values: [ids, 'tenants.v1'] },
      { text: 'delete from t where id = any($1::bigint[])', values: [[]] },
    ]);
  });

  it('passes null and dates through as values for the driver, never into the SQL text', async () => {
    const { em, pool } = emOver();
    const at = new Date('2026-03-29T01:00:00Z');
    await query(em, 'update t set a = ?, b = ?', [null, at]);
    expect(pool).toEqual([{ text: 'update t set a = $1, b = $2', values: [null, at] }]);
  });

  it('sends SQL without parameters as it is', async () => {
    const { em, pool } = emOver();
    await query(em, 'select 1');
    expect(pool).toEqual([{ text: 'select 1', values: [] }]);
  });

  it('leaves a ? inside a string, a quoted name or a comment alone, and takes \\? as the jsonb operator', async () => {
    const { em, pool } = emOver();
    await query(em, `select 'why?', 'it''s ?' as "a?" -- really?\nfrom t where data \\? ?`, ['email']);
    expect(pool).toEqual([
      { text: `select 'why?', 'it''s ?' as "a?" -- really?\nfrom t where data ? $1`, values: ['email'] },
    ]);
  });

  it('refuses an undefined value, or a count of values that does not match the placeholders', async () => {
    const { em, pool } = emOver();
    await expect(query(em, 'select ?', [undefined])).rejects.toThrow('an undefined value was given');
    await expect(query(em, 'select ?', [1, 2])).rejects.toThrow('1 placeholders but 2 parameters');
    await expect(query(em, 'select ?, ?', [1])).rejects.toThrow('2 placeholders but 1 parameters');
    expect(pool).toEqual([]);
  });

  it('runs inside the EntityManager’s transaction when it has one', async () => {
    const { em, pool, transaction } = emOver([], true);
    await query(em, 'insert into t values (?)', [1]);
    expect([pool, transaction]).toEqual([[], [{ text: 'insert into t values ($1)', values: [1] }]]);
  });
});

describe('positional', () => {
  it('numbers the placeholders from 1', () => {
    expect(positional('? ? ?', 3)).toBe('$1 $2 $3');
  });
});
