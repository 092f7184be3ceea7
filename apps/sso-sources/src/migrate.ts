// Deploy step of this service: `up`, `check` or `create [name]` (libs/database).
import { runMigrationCommand } from '@org/database';
import { ssoSourcesDatabase } from './database';

runMigrationCommand(ssoSourcesDatabase, process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
