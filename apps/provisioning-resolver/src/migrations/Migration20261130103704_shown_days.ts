import { Migration } from '@mikro-orm/migrations';

/** Each view day as the API shows it (`ViewDayRow.shown`), existing days filled from their columns. */
export class Migration20261130103704_shown_days extends Migration {
  override name = 'Migration20261130103704_shown_days';

  override up(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."view_day" add "shown" text null;`);
    this.addSql(`update "provisioning_resolver"."view_day" set "shown" = json_build_object(
        'day', "day", 'source', "source", 'connectionId', "connection_id", 'connectionKind', "connection_kind",
        'provisionedUsers', "provisioned_users", 'tiers', "tiers", 'activeUsers', "active_users",
        'staleDays', "stale_days", 'awaitingFirstSync', "awaiting_first_sync")::text;`);
    this.addSql(`alter table "provisioning_resolver"."view_day" alter column "shown" set not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."view_day" drop column "shown";`);
  }
}
