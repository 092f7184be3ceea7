import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Table } from '@org/database';

/**
 * What the snapshots of a connection said of one user over a span of time `during` (a
 * `tstzrange`, `[from, to)`, open while no later snapshot changed it): a new row only when
 * something about the user changes, never a row per user per snapshot or per day. The state
 * at any snapshot's instant is exactly that snapshot's content, so "who held a seat at the
 * snapshot shown on day D" is `during @> snapshotAt` on the GiST index. One user's spans never
 * overlap: apply-snapshot.ts closes a span before it opens the next (an exclusion constraint
 * would say it in the database, but costs 1.8 s per 50k-user snapshot here, against 0.1 s).
 */
@Entity({ tableName: 'connector_user_range' })
@Index({ name: 'connector_user_range_during_index', properties: ['connectionId', 'during'], type: 'gist' })
@Index({
  name: 'connector_user_range_open_index',
  properties: ['connectionId', 'userId'],
  expression:
    'create index "connector_user_range_open_index" on "provisioning_resolver"."connector_user_range" ("connection_id", "user_id") where upper_inf("during")',
})
export class ConnectorUserRange {
  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  /** PostgreSQL's text form, e.g. `["2026-03-01 08:00:00+00",)`. */
  @PrimaryKey({ columnType: 'tstzrange', type: 'unknown' })
  during!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text', nullable: true })
  tier!: string | null;

  /** R13: only `active` holds a seat. */
  @Property({ type: 'text' })
  status!: string;
}

/*
 * Raw reads of spans name their columns as the letters of `ConnectorRange` (connector-ranges.ts),
 * which the comparisons use; the ORM reads a range only as text, so bounds come as epoch ms.
 */

/** `email as e, tier as r, status as s` */
export const entryColumns = (range: Table<ConnectorUserRange>): string =>
  `${range.column('email')} as e, ${range.column('tier')} as r, ${range.column('status')} as s`;

/** `f` and `t`: the bounds of `during` as epoch ms (`t` null while open). */
export const boundColumns = (range: Table<ConnectorUserRange>): string => {
  const during = range.column('during');
  return `(extract(epoch from lower(${during})) * 1000)::float8 as f, (extract(epoch from upper(${during})) * 1000)::float8 as t`;
};
