// The deploy step migrates every service at once; migrations of one database still run one
// service at a time (services share its extensions, and concurrent `create extension if not
// exists` collide).
import { Entity, PrimaryKey } from '@mikro-orm/decorators/legacy';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { migrateUp, type ServiceDatabase } from '../src';

@Entity({ tableName: 'probe' })
class Probe {
  @PrimaryKey({ type: 'integer' })
  id!: number;
}

const probe: ServiceDatabase = { schema: 'migrate_probe', entities: [Probe], migrations: [], migrationsPath: tmpdir() };

describe('migrateUp', () => {
  it('waits while another service migrates the same database', async () => {
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext('provisioning migrations'))`);
      let done = false;
      const migrating = migrateUp(probe, process.env.DATABASE_URL!).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(done).toBe(false);
      await other.query(`select pg_advisory_unlock(hashtext('provisioning migrations'))`);
      await migrating;
      expect(done).toBe(true);
    } finally {
      await other.end();
    }
  });
});
