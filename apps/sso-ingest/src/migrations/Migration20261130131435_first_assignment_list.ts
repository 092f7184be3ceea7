import { Migration } from '@mikro-orm/migrations';

export class Migration20261130131435_first_assignment_list extends Migration {
  override name = 'Migration20261130131435_first_assignment_list';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sso_ingest"."sso_instance" add "first_assignment_list_at" timestamptz null;`);
    // Instances with lists already: their earliest list, published again with it.
    this
      .addSql(`update "sso_ingest"."sso_instance" i set "first_assignment_list_at" = l.first, "version" = i."version" + 1
      from (select "instance_id", min("as_of") as first from "sso_ingest"."assignment_list" group by 1) l
      where l."instance_id" = i."id";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sso_ingest"."sso_instance" drop column "first_assignment_list_at";`);
  }
}
