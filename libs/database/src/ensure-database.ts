import { Client } from 'pg';

/**
 * Runs `work` on a connection to the server's `postgres` database (creating, copying and dropping
 * databases cannot be done from inside them), closed afterwards whatever happens.
 */
export async function withAdminClient<T>(databaseUrl: string | URL, work: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The database name of a URL. */
export const databaseNameOf = (databaseUrl: string | URL): string =>
  decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

/** Creates the database of `databaseUrl` when it is missing (SPEC §7: "created when missing"). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  await withAdminClient(databaseUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database "${name}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another process
      });
    }
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  await withAdminClient(databaseUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
}
