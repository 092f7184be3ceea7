import type { EntityManager } from '@mikro-orm/postgresql';
import type { Topic } from '@org/contracts';
import { query } from '@org/database';

export interface OutgoingEvent {
  topic: Topic;
  key: string;
  value: { id: string; type: string; tenantId: string };
}

/**
 * Queues events for publication inside the caller's transaction, so a state change and
 * its events are committed together or not at all. One statement for any number of rows.
 */
export async function addToOutbox(em: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (!events.length) return;
  await query(
    em,
    `insert into outbox_event (topic, key, value)
     select * from unnest(?::text[], ?::text[], ?::jsonb[])`,
    [events.map((e) => e.topic), events.map((e) => e.key), events.map((e) => JSON.stringify(e.value))],
  );
}
