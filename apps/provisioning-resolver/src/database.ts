import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { MIGRATIONS } from './migrations';

export const resolverDatabase: ServiceDatabase = {
  schema: 'provisioning_resolver',
  entities: [OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
