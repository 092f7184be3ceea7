import { Migration } from '@mikro-orm/migrations';

export class Migration20261130130713_user_activity extends Migration {
  override name = 'Migration20261130130713_user_activity';

  override up(): void | Promise<void> {
    // Rows before this kept only quarter hours: their latest login is taken as the start of the
    // last one (at most 15 minutes early), and every row is published once (version 1 > 0).
    this.addSql(
      `alter table "sso_ingest"."login_history" add "last_login_at" timestamptz null, add "version" int not null default 1, add "published_version" int not null default 0;`,
    );
    this.addSql(
      `update "sso_ingest"."login_history" set "last_login_at" = to_timestamp("quarters"[array_upper("quarters", 1)] * 900::bigint);`,
    );
    this.addSql(`alter table "sso_ingest"."login_history" alter column "last_login_at" set not null;`);
    this.addSql(
      `create index "login_history_unpublished" on "sso_ingest"."login_history" ("instance_id", "user_id") where "version" > "published_version";`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sso_ingest"."login_history_unpublished";`);
    this.addSql(
      `alter table "sso_ingest"."login_history" drop column "last_login_at", drop column "version", drop column "published_version";`,
    );
  }
}
