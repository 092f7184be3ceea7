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

/** How the DLQ depths are read (set by the consumer transport, which knows its topics and its broker). */
let readDlqDepths: (() => Promise<Map<string, number>>) | null = null;
export function measureDlqDepthsWith(read: (() => Promise<Map<string, number>>) | null): void {
  readDlqDepths = read;
}

export const dlqDepth = new Gauge({
  name: 'kafka_dlq_depth',
  help: 'Messages kept in <topic>.dlq (its end minus its start), per topic this service consumes; read at scrape time',
  labelNames: ['topic'],
  async collect() {
    if (!readDlqDepths) return;
    for (const [topic, depth] of await readDlqDepths()) this.set({ topic }, depth);
  },
});
