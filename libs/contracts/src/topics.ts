// Topic names of SPEC §4, defined once. Services prefix them with KAFKA_TOPIC_PREFIX
// (empty in production) so test runs never see each other's messages.
export const TOPICS = {
  ssoEvents: 'sso.events.v1',
  connectorSnapshots: 'connector.snapshots.v1',
  connectorUsage: 'connector.usage.v1',
  ssoInstances: 'sso.instances.v1',
  ssoEstimates: 'sso.estimates.v1',
  ssoActivity: 'sso.activity.v1',
  ssoUserActivity: 'sso.user-activity.v1',
  registryConnections: 'registry.connections.v1',
  resolverViews: 'resolver.views.v1',
  /** Not in SPEC §4: the gateway's tenant settings (time zone, window), which estimates and views depend on. */
  tenants: 'tenants.v1',
  /** Not in SPEC §4: every change made through the API, for `GET /v1/audit` (keyed by tenant). */
  audit: 'audit.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const DLQ_SUFFIX = '.dlq';
export const dlqTopicOf = (topic: string): string => `${topic}${DLQ_SUFFIX}`;

export interface TopicSpec {
  partitions: number;
  /** Compacted topics keep the latest value per key (SPEC §4). */
  compacted: boolean;
}

// Inputs from outside producers get more partitions: they carry the volume and are
// where consumers scale out. Partition counts can grow later, never shrink.
export const TOPIC_SPECS: Record<Topic, TopicSpec> = {
  [TOPICS.ssoEvents]: { partitions: 6, compacted: false },
  [TOPICS.connectorSnapshots]: { partitions: 6, compacted: false },
  [TOPICS.connectorUsage]: { partitions: 6, compacted: false },
  [TOPICS.ssoInstances]: { partitions: 3, compacted: true },
  [TOPICS.ssoEstimates]: { partitions: 6, compacted: true },
  [TOPICS.ssoActivity]: { partitions: 3, compacted: true },
  [TOPICS.ssoUserActivity]: { partitions: 6, compacted: true },
  [TOPICS.registryConnections]: { partitions: 3, compacted: false },
  [TOPICS.resolverViews]: { partitions: 3, compacted: false },
  [TOPICS.tenants]: { partitions: 1, compacted: true },
  [TOPICS.audit]: { partitions: 3, compacted: false },
};

/** Every topic the product uses, DLQs included, with how to create it. */
export function allTopicSpecs(): Array<{ topic: string } & TopicSpec> {
  return Object.entries(TOPIC_SPECS).flatMap(([topic, spec]) => [
    { topic, ...spec },
    { topic: dlqTopicOf(topic), partitions: 1, compacted: false },
  ]);
}
