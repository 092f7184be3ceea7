import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

/**
 * A database of the run for one suite alone (`<run database>_<suffix>`), migrated for one
 * service: for suites whose service must not share its tables with another suite's copy
 * (an outbox another relay would publish, a rebuild another resolver would finish).
 * The run's teardown drops it with the run's own database. `runDatabaseUrl`: the run's
 * database on another server (a private PostgreSQL).
 */
export function privateDatabase(service: string, suffix: string, runDatabaseUrl = process.env.DATABASE_URL!): string {
  const url = new URL(runDatabaseUrl);
  url.pathname = `${url.pathname}_${suffix}`;
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, `apps/${service}/src/migrate.ts`), 'up'], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: 'inherit',
  });
  return url.toString();
}
