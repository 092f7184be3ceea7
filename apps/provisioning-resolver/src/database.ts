import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { ActivityFact } from './fact/activity-fact.entity';
import { ConnectionFact } from './fact/connection-fact.entity';
import { EstimateFact } from './fact/estimate-fact.entity';
import { MIGRATIONS } from './migrations';
import { TenantSettings } from './tenant/tenant-settings.entity';

export const resolverDatabase: ServiceDatabase = {
  schema: 'provisioning_resolver',
  entities: [TenantSettings, ConnectionFact, EstimateFact, ActivityFact, OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
