import { Migration } from '@mikro-orm/migrations';

export class Migration20261130082503_first_login extends Migration {
  override name = 'Migration20261130082503_first_login';

  override up(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."instance_fact" add "first_login_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."instance_fact" drop column "first_login_at";`);
  }
}
