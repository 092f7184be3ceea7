import type { ServiceDatabase } from '@org/database';
import { OutboxEvent, ProcessedEvent } from '@org/kafka';
import { ActivityFact } from './fact/activity-fact.entity';
import { ConnectionFact } from './fact/connection-fact.entity';
import { EstimateFact } from './fact/estimate-fact.entity';
import { EstimateChange } from './fact/estimate-change.entity';
import { MIGRATIONS } from './migrations';
import { TenantSettings } from './tenant/tenant-settings.entity';
import { InstanceFact } from './fact/instance-fact.entity';
import { UserActivityFact } from './fact/user-activity-fact.entity';
import { SnapshotPage } from './connector/snapshot-page.entity';
import { ConnectorSnapshot } from './connector/connector-snapshot.entity';
import { ConnectorUserRange } from './connector/connector-user-range.entity';
import { UsageFact } from './connector/usage-fact.entity';
import { ViewDayRow } from './view/view-day.entity';
import { ViewState } from './view/view-state.entity';
import { ReclamationSettings } from './reclamation/reclamation-settings.entity';

export const resolverDatabase: ServiceDatabase = {
  schema: 'provisioning_resolver',
  entities: [
    TenantSettings,
    InstanceFact,
    UserActivityFact,
    ConnectionFact,
    EstimateFact,
    EstimateChange,
    ActivityFact,
    SnapshotPage,
    ConnectorSnapshot,
    ConnectorUserRange,
    UsageFact,
    ViewDayRow,
    ViewState,
    ReclamationSettings,
    OutboxEvent,
    ProcessedEvent,
  ],
  migrations: MIGRATIONS,
  migrationsPath: `${__dirname}/migrations`,
};
