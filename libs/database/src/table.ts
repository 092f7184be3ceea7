import { type EntityMetadata, type EntityName, type EntityProperty, JsonType } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A table as its MikroORM entity defines it, for the statements the ORM does not write
 * (bulk `unnest` upserts, aggregates): its name, its column names and its row mapping all
 * come from the entity, so a column is spelled once.
 */
export interface Table<T> {
  name: string;
  /** Every property that has a column, in the entity's order. */
  properties: Array<keyof T & string>;
  /** The column of a property. */
  column(property: keyof T & string): string;
  /** `a, b, c`: the columns of these properties (every column when none is given), optionally `alias.`-prefixed. */
  columns(properties?: ReadonlyArray<keyof T & string>, alias?: string): string;
  /** `?::uuid[], ?::date[], …`: one array parameter per property, cast to its column type, for `unnest`. */
  arrayParameters(properties: ReadonlyArray<keyof T & string>): string;
  /** `insert into t (a, b) select * from unnest(?::uuid[], ?::text[])`: rows given as `arrays(rows, properties)`. */
  bulkInsert(properties: ReadonlyArray<keyof T & string>): string;
  /** `a = excluded.a, b = excluded.b`, for `on conflict … do update set`. */
  excluded(properties: ReadonlyArray<keyof T & string>): string;
  /** `insert into t (a, b) values (?, ?)`: one row given as `values(row, properties)` (a type converting in SQL wraps its `?`). */
  insert(properties: ReadonlyArray<keyof T & string>): string;
  /** The values of these properties of one row, converted as the ORM converts them. */
  values(row: Partial<T>, properties: ReadonlyArray<keyof T & string>): unknown[];
  /** The values of these properties of the rows, one array per property, converted as the ORM converts them. */
  arrays(rows: ReadonlyArray<Partial<T>>, properties: ReadonlyArray<keyof T & string>): unknown[][];
  /**
   * A raw row (columns as selected with `columns()`) as the entity's properties, converted as the
   * ORM converts them. Only the selected properties are set.
   */
  row(raw: Record<string, unknown>): T;
}

const tables = new WeakMap<EntityMetadata, Table<unknown>>();

export function tableOf<T extends object>(em: EntityManager, entity: EntityName<T>): Table<T> {
  const meta = em.getMetadata(entity) as EntityMetadata<T>;
  const known = tables.get(meta as EntityMetadata);
  if (known) return known as Table<T>;
  const comparator = em.getComparator();
  const platform = em.getPlatform();
  const prop = (name: string) => {
    const p = (meta.properties as Record<string, EntityProperty<T>>)[name];
    if (!p?.fieldNames?.length) throw new Error(`${meta.className} has no column for ${name}`);
    return p;
  };
  const toDatabase = (name: string, value: unknown) => {
    const type = prop(name).customType;
    return value == null || !type ? (value ?? null) : type.convertToDatabaseValue(value, platform);
  };
  // A type that converts in SQL (PeriodsType: JSON text → tstzrange[]) wraps its parameter, as the ORM's own inserts do.
  const parameter = (name: string) => prop(name).customType?.convertToDatabaseValueSQL?.('?', platform) ?? '?';
  const all = meta.props
    .filter((p) => p.fieldNames?.length && p.persist !== false)
    .map((p) => p.name as keyof T & string);
  const custom = meta.props.filter((p) => p.customType && !(p.customType instanceof JsonType) && p.fieldNames?.length);
  const table: Table<T> = {
    name: meta.tableName,
    properties: all,
    column: (name) => prop(name).fieldNames[0],
    columns: (properties = all, alias) =>
      properties.map((name) => (alias ? `${alias}.` : '') + prop(name).fieldNames[0]).join(', '),
    arrayParameters: (properties) => properties.map((name) => `?::${prop(name).columnTypes[0]}[]`).join(', '),
    bulkInsert: (properties) =>
      `insert into ${meta.tableName} (${table.columns(properties)}) select * from unnest(${table.arrayParameters(properties)})`,
    excluded: (properties) =>
      properties.map((name) => `${prop(name).fieldNames[0]} = excluded.${prop(name).fieldNames[0]}`).join(', '),
    insert: (properties) =>
      `insert into ${meta.tableName} (${table.columns(properties)}) values (${properties.map(parameter).join(', ')})`,
    values: (row, properties) => properties.map((name) => toDatabase(name, row[name])),
    arrays: (rows, properties) => properties.map((name) => rows.map((row) => toDatabase(name, row[name]))),
    row: (raw) => {
      const row = comparator.mapResult(meta, raw as never) as Record<string, unknown>;
      // The comparator renames and parses dates; custom types (DayType, …) convert here, as the hydrator would.
      for (const p of custom)
        if (row[p.name] != null) row[p.name] = p.customType!.convertToJSValue(row[p.name], platform);
      return row as T;
    },
  };
  tables.set(meta as EntityMetadata, table as Table<unknown>);
  return table;
}
