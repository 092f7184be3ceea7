import { Type } from '@mikro-orm/core';
import type { Period } from '@org/contracts';

/**
 * A connection's connected periods as PostgreSQL keeps them: `tstzrange[]`, each `[from, to)`
 * (`to` unbounded while connected), ascending. An array and not a multirange on purpose: a
 * disconnect and a reconnect at the same instant are two periods (R11: the second one waits
 * for its own first sync, R8), which a multirange would merge into one. A period without
 * length governs no day and holds no snapshot, and is not kept.
 *
 * PostgreSQL has no JSON form of a range array, so the ORM reads the column through
 * `periodsJson` and writes it through `periodsParameter`; raw statements use the same two.
 */
export class PeriodsType extends Type<Period[], string> {
  override convertToDatabaseValue(periods: Period[] | string): string {
    return typeof periods === 'string' ? periods : JSON.stringify(periods);
  }

  override convertToJSValue(value: Period[] | string): Period[] {
    return typeof value === 'string' ? JSON.parse(value) : value;
  }

  override convertToDatabaseValueSQL(key: string): string {
    return periodsParameter(key);
  }

  override convertToJSValueSQL(key: string): string {
    return periodsJson(key);
  }

  override getColumnType(): string {
    return 'tstzrange[]';
  }

  override compareAsType(): string {
    return 'any';
  }

  override ensureComparable(): boolean {
    return false;
  }
}

/** The periods column as `[{from, to}]` JSON (ISO instants, `to` null while connected), ascending. */
export const periodsJson = (column: string) =>
  `(select coalesce(json_agg(json_build_object('from', lower(p), 'to', upper(p)) order by lower(p)), '[]'::json)
    from unnest(${column}) p)`;

/** A `tstzrange[]` from a parameter holding the periods as JSON text. */
export const periodsParameter = (parameter: string) =>
  `array(select tstzrange((p->>'from')::timestamptz, (p->>'to')::timestamptz, '[)')
         from jsonb_array_elements(${parameter}::jsonb) p
         where p->>'to' is null or (p->>'from')::timestamptz < (p->>'to')::timestamptz
         order by (p->>'from')::timestamptz)::tstzrange[]`;
