import { type EntityManager, knex } from '@mikro-orm/postgresql';
import { query } from './query';

// The knex MikroORM uses, with the pg dialect and its connections faked: what node-postgres
// would be handed.
function pgOver(rows: unknown[] = []) {
  const sent: Array<{ text: string; values: unknown[] }> = [];
  const db = knex({ client: 'pg' });
  const connection = {
    query: (config: { text: string; values: unknown[] }, done: (err: Error | null, res: unknown) => void) => {
      sent.push({ text: config.text, values: config.values });
      done(null, { command: 'SELECT', rows });
    },
  };
  db.client.acquireConnection = async () => connection;
  db.client.releaseConnection = async () => undefined;
  return { db, sent };
}

function emOver(rows: unknown[] = [], inTransaction = false) {
  const pool = pgOver(rows);
  const transaction = pgOver(rows);
  transaction.db.client.transacting = true;
  const em = {
    getKnex: () => pool.db,
    getTransactionContext: () => (inTransaction ? { client: transaction.db.client } : undefined),
  } as unknown as EntityManager;
  return { em, pool: pool.sent, transaction: transaction.sent };
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

  it('takes \\? as a literal question mark (the jsonb operator) and ?? as a quoted identifier', async () => {
    const { em, pool } = emOver();
    await query(em, 'select ?? from t where data \\? ?', ['user', 'email']);
    expect(pool).toEqual([{ text: 'select "user" from t where data ? $1', values: ['email'] }]);
  });

  it('refuses an undefined value, or a count of values that does not match the placeholders', async () => {
    const { em, pool } = emOver();
    await expect(query(em, 'select ?', [undefined])).rejects.toThrow('Undefined binding(s) detected');
    await expect(query(em, 'select ?', [1, 2])).rejects.toThrow('Expected 2 bindings, saw 1');
    await expect(query(em, 'select ?, ?', [1])).rejects.toThrow('Expected 1 bindings, saw 2');
    await expect(query(em, "select 'why?'")).rejects.toThrow('Expected 0 bindings, saw 1');
    expect(pool).toEqual([]);
  });

  it('runs inside the EntityManager’s transaction when it has one', async () => {
    const { em, pool, transaction } = emOver([], true);
    await query(em, 'insert into t values (?)', [1]);
    expect([pool, transaction]).toEqual([[], [{ text: 'insert into t values ($1)', values: [1] }]]);
  });
});
