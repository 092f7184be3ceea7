import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type QueryExecutor } from 'kysely';

/**
 * Raw SQL with real bind parameters, inside the EntityManager's transaction when it has one.
 * `em.execute` inlines every value into the SQL text and expands arrays into lists; bulk
 * statements (`unnest(?::uuid[])`) need the array passed to PostgreSQL as one parameter.
 * Placeholders are `?` (as in the rest of MikroORM); they become PostgreSQL's `$1, $2, …`.
 */
export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (params.some((p) => p === undefined)) throw new Error('an undefined value was given as a parameter');
  const executor: Pick<QueryExecutor, 'executeQuery'> =
    em.getTransactionContext<Pick<QueryExecutor, 'executeQuery'>>() ?? em.getConnection().getClient();
  const result = await executor.executeQuery<T>(CompiledQuery.raw(positional(sql, params.length), params));
  return result.rows;
}

/**
 * `?` → `$n`, outside quoted strings, quoted identifiers and comments; `\?` stays a literal `?`.
 * Throws when the count differs from the parameters given, the mistake a bad bind would hide.
 */
export function positional(sql: string, expected: number): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '\\' && sql[i + 1] === '?') {
      out += '?';
      i++;
    } else if (c === '?') {
      out += `$${++n}`;
    } else out += c;
  }
  if (n !== expected) throw new Error(`the statement has ${n} placeholders but ${expected} parameters were given`);
  return out;
}

/** The index just past the quote that closes the one at `start` (a doubled quote is part of the text). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
