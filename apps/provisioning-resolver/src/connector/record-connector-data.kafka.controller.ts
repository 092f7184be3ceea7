import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { dayOf, isoToDay } from '@org/days';
import type { EventBatch, Rejection } from '@org/kafka';
import { refreshViews, type TouchedDays } from '../view/view-writer';
import { UsageFact } from './usage-fact.entity';
import {
  CLOCK_SKEW_MS,
  type KnownConnection,
  knownConnections,
  lockConnections,
  refusalOf,
  takeSnapshotPages,
} from './connector-data';

/**
 * What provisioning and engagement connectors send (SPEC §4). Snapshot pages are held until
 * their page set is complete and their connection known, then applied at once; the view
 * days they touch are recomputed in the same transaction.
 */
@Controller()
export class RecordConnectorDataKafkaController {
  // Pages are large (up to 10,000 users): fetch several per request, so a page set tends to arrive in one chunk.
  @EventPattern(TOPICS.connectorSnapshots, { chunkSize: 50, maxBytesPerPartition: 16 * 1024 * 1024 })
  async recordSnapshots(@Payload() batch: EventBatch<typeof TOPICS.connectorSnapshots>): Promise<Rejection[]> {
    const ids = [...new Set(batch.events.map((e) => e.data.connectionId))];
    await lockConnections(batch.em, ids);
    const known = await knownConnections(batch.em, ids);
    const { kept: held, rejections } = sortOut(batch.events, known, (e) =>
      Date.parse(e.data.asOf) > Date.now() + CLOCK_SKEW_MS ? `asOf ${e.data.asOf} is in the future` : null,
    );
    const touched = await takeSnapshotPages(batch.em, held, known);
    await refreshViews(batch.em, touched);
    return rejections;
  }

  @EventPattern(TOPICS.connectorUsage, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordUsage(@Payload() batch: EventBatch<typeof TOPICS.connectorUsage>): Promise<Rejection[]> {
    const ids = [...new Set(batch.events.map((e) => e.data.connectionId))];
    await lockConnections(batch.em, ids);
    const known = await knownConnections(batch.em, ids);
    const lastDay = dayOf(Date.now() + CLOCK_SKEW_MS, 'Pacific/Kiritimati'); // the zone furthest ahead
    const { kept, rejections } = sortOut(batch.events, known, (e) =>
      isoToDay(e.data.day) > lastDay ? `day ${e.data.day} is in the future` : null,
    );
    // A day's count only grows (connectors resend running totals): the greatest one stands, whatever the order (R15).
    const greatest = new Map<string, (typeof kept)[number]>();
    for (const e of kept) {
      const key = `${e.data.connectionId}|${e.data.userId}|${e.data.day}`;
      if ((greatest.get(key)?.data.events ?? -1) < e.data.events) greatest.set(key, e);
    }
    const events = [...greatest.values()];
    if (!events.length) return rejections;
    // Raw: a bulk upsert that keeps the greater count (a condition on the conflict).
    const usage = tableOf(batch.em, UsageFact);
    const columns = ['connectionId', 'day', 'userId', 'tenantId', 'events', 'eventId'] as const;
    await query(
      batch.em,
      `${usage.bulkInsert(columns)}
       on conflict (${usage.columns(['connectionId', 'day', 'userId'])}) do update set ${usage.excluded(['events', 'eventId'])}
       where excluded.${usage.column('events')} > ${usage.name}.${usage.column('events')}`,
      usage.arrays(
        events.map((e) => ({ ...e.data, tenantId: e.tenantId, eventId: e.id })),
        columns,
      ),
    );
    // Usage of a connection not known yet waits in usage_fact; its connect event recomputes the days.
    const touched: TouchedDays[] = [];
    for (const e of events) {
      const connection = known.get(e.data.connectionId);
      if (!connection) continue;
      const day = isoToDay(e.data.day);
      touched.push({ instanceId: connection.instanceId, tenantId: connection.tenantId, from: day, to: day });
    }
    await refreshViews(batch.em, touched);
    return rejections;
  }
}

/** Splits events into those to keep and those refused: dated in the future, or naming another tenant's or a deleted connection. */
function sortOut<E extends { id: string; tenantId: string; data: { connectionId: string } }>(
  events: E[],
  known: Map<string, KnownConnection>,
  inFuture: (e: E) => string | null,
): { kept: E[]; rejections: Rejection[] } {
  const kept: E[] = [];
  const rejections: Rejection[] = [];
  for (const e of events) {
    const future = inFuture(e);
    const connection = known.get(e.data.connectionId);
    const refusal = future
      ? { code: 'DATED_IN_FUTURE' as const, message: future }
      : connection && refusalOf(connection, e.tenantId);
    if (refusal) rejections.push({ eventId: e.id, code: refusal.code, reason: refusal.message });
    else kept.push(e);
  }
  return { kept, rejections };
}
