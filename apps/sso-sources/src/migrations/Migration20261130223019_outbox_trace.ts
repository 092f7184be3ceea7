import { Migration } from '@mikro-orm/migrations';

export class Migration20261130223019_outbox_trace extends Migration {
  override name = 'Migration20261130223019_outbox_trace';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sso_sources"."outbox_event" add "trace_context" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sso_sources"."outbox_event" drop column "trace_context";`);
  }
}
