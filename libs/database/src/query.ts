import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Raw SQL with real bind parameters, inside the EntityManager's transaction when it has one.
 * `em.execute` inlines every value into the SQL text and expands arrays into lists; bulk
 * statements (`unnest(?::uuid[])`) need the array passed to PostgreSQL as one parameter.
 */
export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const statement = em.getKnex().raw(sql, params as never[]);
  const transaction = em.getTransactionContext();
  if (transaction) statement.transacting(transaction);
  const result = (await statement) as { rows: T[] };
  return result.rows;
}
