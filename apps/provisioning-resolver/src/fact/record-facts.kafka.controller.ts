import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@org/contracts';
import { query } from '@org/database';
import type { EventBatch } from '@org/kafka';

/**
 * The facts the daily views are computed from (R8–R15), each kept as its producer last
 * stated it. Every input is a whole state keyed by its natural key, so replays and
 * duplicates change nothing; the connection keeps the state of the latest effective change.
 */
@Controller()
export class RecordFactsKafkaController {
  @EventPattern(TOPICS.registryConnections)
  async recordConnections(@Payload() batch: EventBatch<typeof TOPICS.registryConnections>): Promise<void> {
    for (const e of batch.events) {
      await query(
        batch.em,
        `insert into connection_fact (connection_id, tenant_id, instance_id, kind, supports_license_tiers, status, periods, effective_at)
         values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (connection_id) do update set
           status = excluded.status, periods = excluded.periods, effective_at = excluded.effective_at
         where connection_fact.status <> 'deleted' and excluded.effective_at >= connection_fact.effective_at`,
        [
          e.data.connectionId,
          e.tenantId,
          e.data.instanceId,
          e.data.kind,
          e.data.supportsLicenseTiers,
          e.data.status,
          JSON.stringify(e.data.periods),
          e.data.effectiveAt,
        ],
      );
    }
  }

  @EventPattern(TOPICS.ssoEstimates, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordEstimates(@Payload() batch: EventBatch<typeof TOPICS.ssoEstimates>): Promise<void> {
    const latest = new Map(batch.events.map((e) => [`${e.data.instanceId}|${e.data.userId}`, e]));
    const events = [...latest.values()];
    await query(
      batch.em,
      `insert into estimate_fact (instance_id, user_id, tenant_id, email, intervals)
       select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::jsonb[])
       on conflict (instance_id, user_id) do update set email = excluded.email, intervals = excluded.intervals`,
      [
        events.map((e) => e.data.instanceId),
        events.map((e) => e.data.userId),
        events.map((e) => e.tenantId),
        events.map((e) => e.data.email),
        events.map((e) => JSON.stringify(e.data.intervals)),
      ],
    );
  }

  @EventPattern(TOPICS.ssoActivity, { chunkSize: 5000, idempotentByNaturalKey: true })
  async recordActivity(@Payload() batch: EventBatch<typeof TOPICS.ssoActivity>): Promise<void> {
    const latest = new Map(batch.events.map((e) => [`${e.data.instanceId}|${e.data.day}`, e]));
    const events = [...latest.values()];
    await query(
      batch.em,
      `insert into activity_fact (instance_id, day, tenant_id, active_users)
       select * from unnest(?::uuid[], ?::date[], ?::text[], ?::int[])
       on conflict (instance_id, day) do update set active_users = excluded.active_users`,
      [
        events.map((e) => e.data.instanceId),
        events.map((e) => e.data.day),
        events.map((e) => e.tenantId),
        events.map((e) => e.data.activeUsers),
      ],
    );
  }

  @EventPattern(TOPICS.tenants)
  async recordTenants(@Payload() batch: EventBatch<typeof TOPICS.tenants>): Promise<void> {
    for (const e of batch.events) {
      await query(
        batch.em,
        `insert into tenant_settings (tenant_id, time_zone) values (?, ?)
         on conflict (tenant_id) do update set time_zone = excluded.time_zone`,
        [e.tenantId, e.data.timeZone],
      );
    }
  }
}
