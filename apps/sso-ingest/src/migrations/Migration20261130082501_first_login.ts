import { Migration } from '@mikro-orm/migrations';

export class Migration20261130082501_first_login extends Migration {
  override name = 'Migration20261130082501_first_login';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sso_ingest"."sso_instance" add "first_login_at" timestamptz null;`);
    // Instances known before: the earliest login still known (the last one, or the first
    // quarter hour of a non-social login), published again (a new version) for the resolver.
    this.addSql(`update "sso_ingest"."sso_instance" i set
      first_login_at = least(i.last_login_at,
        (select to_timestamp(min(h.quarters[1]) * 900) from "sso_ingest"."login_history" h where h.instance_id = i.id)),
      version = i.version + 1
    where i.last_login_at is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sso_ingest"."sso_instance" drop column "first_login_at";`);
  }
}
