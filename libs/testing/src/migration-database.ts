import { MikroORM } from '@mikro-orm/postgresql';
import { applyingOptions, dropDatabase, ensureDatabase, type ServiceDatabase } from '@org/database';

/**
 * A database of its own beside the test file's, for stepping a service's migrations up and down
 * over rows of an older shape; `close` drops it.
 */
export async function migrationDatabase(db: ServiceDatabase): Promise<{ orm: MikroORM; close(): Promise<void> }> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_${db.schema}_migrations`;
  await dropDatabase(url.toString());
  await ensureDatabase(url.toString());
  const orm = await MikroORM.init(applyingOptions(db, url.toString()));
  await orm.em.getConnection().execute(`create schema if not exists "${db.schema}"`);
  return {
    orm,
    async close() {
      await orm.close(true);
      await dropDatabase(url.toString());
    },
  };
}
