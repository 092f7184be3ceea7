import { Counter, Gauge } from 'prom-client';

// What every consumer reports at /metrics (prom-client's default registry).

export const eventsApplied = new Counter({
  name: 'kafka_events_applied_total',
  help: 'Events applied (committed in the database), per topic',
  labelNames: ['topic'],
});

export const dlqMessages = new Counter({
  name: 'kafka_dlq_messages_total',
  help: 'Messages sent to <topic>.dlq, per topic and reason code',
  labelNames: ['topic', 'code'],
});

export const consumerLag = new Gauge({
  name: 'kafka_consumer_lag',
  help: "Messages between the group's committed offset and the partition's end, after its last batch",
  labelNames: ['topic', 'partition', 'group'],
});
