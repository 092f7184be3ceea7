import { Counter, Gauge, Histogram } from 'prom-client';

// The connector's own figures, on the /metrics every service has (MetricsHttpController of libs/service).

export const syncs = new Counter({ name: 'scim_syncs_total', help: 'Syncs by outcome', labelNames: ['status'] });
export const syncDuration = new Histogram({
  name: 'scim_sync_duration_seconds',
  help: 'From the first SCIM request to the last page published (or the failure)',
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
});
export const usersPublished = new Gauge({ name: 'scim_snapshot_users', help: 'Users in the last published snapshot' });
