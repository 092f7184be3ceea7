import { dropDatabase, ensureDatabase } from './ensure-database';

// node-postgres faked: each client records where it connects and what it runs; `answers`
// gives the next query's result, or an error to throw.
const clients: Array<{ connectionString: string; queries: string[]; ended: boolean }> = [];
const answers: Array<{ rowCount: number } | Error> = [];

jest.mock('pg', () => ({
  Client: class {
    readonly record;
    constructor({ connectionString }: { connectionString: string }) {
      this.record = { connectionString, queries: [] as string[], ended: false };
      clients.push(this.record);
    }
    async connect() {}
    async query(sql: string, params: unknown[] = []) {
      this.record.queries.push([sql, ...params].join(' | '));
      const answer = answers.shift() ?? { rowCount: 0 };
      if (answer instanceof Error) throw answer;
      return answer;
    }
    async end() {
      this.record.ended = true;
    }
  },
}));

beforeEach(() => {
  clients.length = 0;
  answers.length = 0;
});

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('ensureDatabase', () => {
  it('creates a missing database through the postgres database of the same server and credentials', async () => {
    answers.push({ rowCount: 0 });
    await ensureDatabase('postgres://app:s3cret@db.internal:6543/provisioning_test?sslmode=require');
    expect(clients).toEqual([
      {
        connectionString: 'postgres://app:s3cret@db.internal:6543/postgres?sslmode=require',
        queries: [
          'select 1 from pg_database where datname = $1 | provisioning_test',
          'create database "provisioning_test"',
        ],
        ended: true,
      },
    ]);
  });

  it('leaves an existing database alone', async () => {
    answers.push({ rowCount: 1 });
    await ensureDatabase('postgres://postgres@127.0.0.1:5432/provisioning');
    expect(clients[0].queries).toEqual(['select 1 from pg_database where datname = $1 | provisioning']);
  });

  it('accepts a database another process created meanwhile (42P04), and fails on any other error', async () => {
    answers.push({ rowCount: 0 }, pgError('42P04'));
    await ensureDatabase('postgres://postgres@127.0.0.1:5432/provisioning');
    answers.push({ rowCount: 0 }, pgError('42501'));
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:5432/provisioning')).rejects.toThrow('pg 42501');
    expect(clients.map((c) => c.ended)).toEqual([true, true]);
  });

  it.each([
    ['a dash', 'postgres://h/provisioning-test', 'provisioning-test'],
    ['a quote, decoded', 'postgres://h/x%22%3B%20drop', 'x"; drop'],
    ['no name', 'postgres://h', ''],
  ])('refuses a database name with %s before connecting', async (_, url, name) => {
    await expect(ensureDatabase(url)).rejects.toThrow(`unsupported database name "${name}"`);
    expect(clients).toEqual([]);
  });
});

describe('dropDatabase', () => {
  it('drops the database of the URL, forcing its connections closed, from the postgres database', async () => {
    await dropDatabase('postgres://postgres@127.0.0.1:5432/provisioning_run_42');
    expect(clients).toEqual([
      {
        connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
        queries: ['drop database if exists "provisioning_run_42" with (force)'],
        ended: true,
      },
    ]);
  });
});
