import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { AssignmentListRow } from './assignment/assignment-list.entity';
import { AssignmentMembership } from './assignment/assignment-membership.entity';
import { AssignmentPage } from './assignment/assignment-page.entity';
import { Activity } from './estimate/activity.entity';
import { Estimate } from './estimate/estimate.entity';
import { InstanceConnection } from './instance/instance-connection.entity';
import { SsoInstance } from './instance/sso-instance.entity';
import { LoginHistory } from './login/login-history.entity';
import { MIGRATIONS } from './migrations';
import { SsoConnection } from './sso-connection/sso-connection.entity';
import { TenantSettings } from './tenant/tenant-settings.entity';

export const ssoIngestDatabase: ServiceDatabase = {
  schema: 'sso_ingest',
  entities: [
    SsoConnection,
    SsoInstance,
    InstanceConnection,
    TenantSettings,
    LoginHistory,
    AssignmentPage,
    AssignmentListRow,
    AssignmentMembership,
    Estimate,
    Activity,
    OutboxEvent,
    ProcessedEvent,
  ],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
