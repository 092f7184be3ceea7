import { MikroORM } from '@mikro-orm/postgresql';
import { dropDatabase, ensureDatabase, ormOptions, type ServiceDatabase } from '@org/database';

/**
 * A database of its own beside the test file's, for stepping a service's migrations up and down
 * over rows of an older shape; `close` drops it. The committed snapshot is never rewritten.
 */
export async function migrationDatabase(db: ServiceDatabase): Promise<{ orm: MikroORM; close(): Promise<void> }> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_${db.schema}_migrations`;
  await dropDatabase(url.toString());
  await ensureDatabase(url.toString());
  const options = ormOptions(db, url.toString());
  options.migrations = { ...options.migrations, snapshot: false };
  const orm = await MikroORM.init(options);
  await orm.em.getConnection().execute(`create schema if not exists "${db.schema}"`);
  return {
    orm,
    async close() {
      await orm.close(true);
      await dropDatabase(url.toString());
    },
  };
}
