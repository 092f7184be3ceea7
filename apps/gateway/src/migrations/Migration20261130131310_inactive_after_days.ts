import { Migration } from '@mikro-orm/migrations';

export class Migration20261130131310_inactive_after_days extends Migration {
  override name = 'Migration20261130131310_inactive_after_days';

  override up(): void | Promise<void> {
    this.addSql(`alter table "gateway"."tenant" add "inactive_after_days" int not null default 60;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "gateway"."tenant" drop column "inactive_after_days";`);
  }
}
