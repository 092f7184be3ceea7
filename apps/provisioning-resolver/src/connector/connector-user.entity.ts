import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** `f` ≤ instant < `t` (epoch ms, `t` null while open): the user's email, tier and status in every snapshot taken then. */
export interface ConnectorRange {
  f: number;
  t: number | null;
  e: string;
  r: string | null;
  s: string;
}

/**
 * What every snapshot of a connection said of one user, as time ranges: a new range only
 * when something about the user changes, never a row per user per snapshot or per day.
 * The state at any snapshot's instant is exactly that snapshot's content.
 */
@Entity({ tableName: 'connector_user' })
export class ConnectorUser {
  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'json' })
  ranges!: ConnectorRange[];
}
