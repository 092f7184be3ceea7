import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ensureDatabase } from './ensure-database';
import { ormOptions, type ServiceDatabase } from './orm-options';

/** Migrates a service's schema up: an explicit deploy step, never part of a service's boot. */
export async function migrateUp(db: ServiceDatabase, databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const options = applyingOptions(db, databaseUrl);
  // One service's migrations at a time per database: services share its extensions
  // (btree_gist), and two concurrent `create extension if not exists` collide (a fresh
  // database migrated by the deploy step, all services at once, failed on exactly that).
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query(`select pg_advisory_lock(hashtext('provisioning migrations'))`);
    const orm = await MikroORM.init(options);
    try {
      await orm.em.getConnection().execute(`create schema if not exists "${db.schema}"`);
      const applied = await orm.migrator.up();
      return applied.map((m) => m.name);
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.end(); // the session's lock goes with it
  }
}

/** True when the entities differ from the committed migrations (`migration:check`). */
export async function migrationNeeded(db: ServiceDatabase, databaseUrl: string): Promise<boolean> {
  const orm = await MikroORM.init(ormOptions(db, databaseUrl));
  try {
    return await orm.migrator.checkSchema();
  } finally {
    await orm.close(true);
  }
}

/**
 * Options to apply migrations with: after `up` (or `down`), MikroORM rewrites the snapshot from
 * the live database, which holds every service's schema — applying must never touch the
 * committed snapshot.
 */
export function applyingOptions(db: ServiceDatabase, databaseUrl: string) {
  const options = ormOptions(db, databaseUrl);
  options.migrations = { ...options.migrations, snapshot: false };
  return options;
}
