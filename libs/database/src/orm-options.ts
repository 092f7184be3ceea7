import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { defineConfig, type MigrationObject, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { CompiledQuery, type DatabaseConnection } from 'kysely';

export interface ServiceDatabase {
  /** The PostgreSQL schema this service owns; no other service reads it. */
  schema: string;
  entities: Options['entities'];
  /** Listed explicitly (no file globbing), so migrations run the same under Jest, swc and a bundle. */
  migrations: MigrationObject[];
  /** Folder of the migration files and their committed snapshot. */
  migrationsPath: string;
}

export function ormOptions(db: ServiceDatabase, databaseUrl: string, overrides: Partial<Options> = {}) {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    schema: db.schema,
    entities: db.entities,
    // Column types from the decorators' TypeScript types (emitDecoratorMetadata), as in MikroORM 6.
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    forceUtcTimezone: true,
    // Raw SQL in the services names tables without a schema.
    pool: {
      min: 0,
      // Concurrent partitions, the publishers and HTTP each hold one while they work.
      max: 16,
    },
    onCreateConnection: async (connection) => {
      await (connection as DatabaseConnection).executeQuery(
        CompiledQuery.raw(`set search_path to "${db.schema}", public`),
      );
    },
    migrations: {
      path: db.migrationsPath,
      pathTs: db.migrationsPath,
      migrationsList: db.migrations,
      tableName: 'mikro_orm_migrations',
      snapshotName: '.snapshot',
      transactional: true,
      allOrNothing: true,
      silent: true,
      emit: 'ts',
    },
    allowGlobalContext: false,
    ...overrides,
  });
}
