import { Migration } from '@mikro-orm/migrations';

/**
 * Held snapshot pages as `json` rather than `jsonb`: a page is written once and read back
 * whole, so parsing thousands of users into jsonb on the way in bought nothing. MikroORM's
 * schema diff does not tell the two apart, hence written by hand.
 */
export class Migration20261130103000_held_pages_as_json extends Migration {
  override name = 'Migration20261130103000_held_pages_as_json';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "provisioning_resolver"."snapshot_page" alter column "event" type json using ("event"::json);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "provisioning_resolver"."snapshot_page" alter column "event" type jsonb using ("event"::jsonb);`,
    );
  }
}
