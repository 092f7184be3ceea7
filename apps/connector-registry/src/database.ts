import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { ConnectionPeriod } from './connection/connection-period.entity';
import { Connection } from './connection/connection.entity';
import { MIGRATIONS } from './migrations';
import { KnownInstance } from './sso-instance/known-instance.entity';
import { KnownSsoConnection } from './sso-instance/known-sso-connection.entity';

export const registryDatabase: ServiceDatabase = {
  schema: 'connector_registry',
  entities: [KnownSsoConnection, KnownInstance, Connection, ConnectionPeriod, OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
