import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { SsoInstance } from './instance/sso-instance.entity';
import { AssignmentPage } from './login/assignment-page.entity';
import { Login } from './login/login.entity';
import { MIGRATIONS } from './migrations';
import { SsoConnection } from './sso-connection/sso-connection.entity';

export const ssoIngestDatabase: ServiceDatabase = {
  schema: 'sso_ingest',
  entities: [SsoConnection, SsoInstance, Login, AssignmentPage, OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
