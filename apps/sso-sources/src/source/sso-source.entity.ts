import { BigIntType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { SsoSourcePlatform } from '@org/contracts';

export type SourceState = 'polling' | 'failing' | 'paused';

/**
 * SPEC §8: the source of one SSO connection, its schedule and where its last poll stopped.
 * The checkpoint is written only after the broker acknowledged the events it covers.
 */
@Entity({ tableName: 'sso_source' })
@Index({ properties: ['nextPollAt'] })
@Index({ properties: ['tenantId'] })
export class SsoSource {
  @PrimaryKey({ type: 'uuid' })
  ssoConnectionId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  platform!: SsoSourcePlatform;

  /** The platform's URLs and ids, and the schedule: what the request gave, defaults filled in. */
  @Property({ type: 'json' })
  settings!: Record<string, unknown>;

  /** The API token, client secret or private key, sealed (source-secret.ts): never shown, logged or sent. */
  @Property({ type: 'text', lazy: true })
  sealedSecret!: string;

  /** Bumped by every PUT: a poll that started under an older one writes nothing back. */
  @Property({ type: 'integer' })
  generation!: number;

  /** Where the next poll of logins starts (per platform, see platform/*.ts); null: a new source. */
  @Property({ type: 'json', nullable: true })
  checkpoint!: Record<string, unknown> | null;

  @Property({ type: 'text' })
  state!: SourceState;

  @Property({ type: 'datetime' })
  nextPollAt!: Date;

  /** When the assignment lists are next due. */
  @Property({ type: 'datetime' })
  nextAssignmentsAt!: Date;

  /** An instance polling it holds it until then (a crashed one's lease runs out). */
  @Property({ type: 'datetime', nullable: true })
  leasedUntil!: Date | null;

  @Property({ type: 'datetime', nullable: true })
  lastPolledAt!: Date | null;

  /** When a poll last reached the end of the platform's log (the lag on /metrics counts from it). */
  @Property({ type: 'datetime', nullable: true })
  caughtUpAt!: Date | null;

  /** The time (at the platform) of the newest event pulled. */
  @Property({ type: 'datetime', nullable: true })
  lastEventAt!: Date | null;

  @Property({ type: new BigIntType('number') })
  eventsPulled!: number;

  /** Failed polls in a row (the backoff grows with them). */
  @Property({ type: 'integer' })
  failures!: number;

  @Property({ type: 'text', nullable: true })
  lastError!: string | null;
}
