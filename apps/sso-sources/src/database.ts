import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { MIGRATIONS } from './migrations';
import { SsoSource } from './source/sso-source.entity';
import { KnownApp } from './sso-connection/known-app.entity';
import { KnownSsoConnection } from './sso-connection/known-sso-connection.entity';

export const ssoSourcesDatabase: ServiceDatabase = {
  schema: 'sso_sources',
  entities: [SsoSource, KnownSsoConnection, KnownApp, OutboxEvent, ProcessedEvent],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
