import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { AuditEntry } from './audit/audit-entry.entity';
import { MIGRATIONS } from './migrations';
import { ApiKey } from './tenant/api-key.entity';
import { Tenant } from './tenant/tenant.entity';

export const gatewayDatabase: ServiceDatabase = {
  schema: 'gateway',
  entities: [Tenant, ApiKey, AuditEntry, OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
