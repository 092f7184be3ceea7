import {
  connectorEventKey,
  connectorSnapshotSchema,
  connectorUsageSchema,
  newEvent,
  ssoAssignmentsSchema,
  ssoEventKey,
  ssoLoginSchema,
  TOPICS,
} from '@org/contracts';
import { Kafka, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';
import { context, propagation } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { InvalidEventError, problemsOf } from './invalid-event.error';

/** What an SSO platform connector knows of one login (the `data` of `sso.login`). */
export interface LoginInput {
  ssoConnectionId: string;
  ssoAppId: string;
  appKey: string;
  appName: string;
  userId: string;
  email: string;
  method: 'sso' | 'social';
  /** ISO-8601 with an offset. */
  at: string;
  /**
   * The event's id; by default a new one. A producer that pulls from a platform derives it from
   * the platform's own event id, so the same login sent again is the same event (SPEC §4).
   */
  eventId?: string;
}

/** The full list of users assigned to an instance at `asOf`; split into pages by the client. */
export interface AssignmentListInput {
  ssoConnectionId: string;
  ssoAppId: string;
  appKey: string;
  appName: string;
  asOf: string;
  users: Array<{ userId: string; email: string }>;
  /** Defaults to a new id; pass the same one to resend the same list. */
  syncId?: string;
}

/** Everything a provisioning or engagement connector read from the app at `asOf`. */
export interface SnapshotInput {
  connectionId: string;
  asOf: string;
  users: Array<{ userId: string; email: string; tier: string | null; status: string }>;
  syncId?: string;
}

export interface UsageInput {
  connectionId: string;
  userId: string;
  /** YYYY-MM-DD */
  day: string;
  events: number;
}

export interface ConnectorClientOptions {
  brokers: string[];
  clientId?: string;
  /** Users per page of a snapshot or assignment list (at most 10,000, the contract's limit). */
  pageSize?: number;
  /** Whole-send attempts after kafkajs's own retries gave up (default 5). */
  attempts?: number;
  /** Prepended to topic names; for test environments. */
  topicPrefix?: string;
  /** SCRAM-SHA-512 credentials on a secured cluster (SPEC §7): `sso-producer` or `connector` principals. */
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
}

export interface SentList {
  syncId: string;
  pages: number;
}

const MAX_PAGE = 10_000;
// Messages of one key go to one partition as one record batch, which the broker takes up to
// message.max.bytes (1 MB by default): sends are cut well below that.
const BYTES_PER_SEND = 800_000;

/**
 * The producer side of SPEC §4 for outside teams: every event is checked against the
 * contract before anything is sent (an invalid one throws `InvalidEventError` naming the
 * field, and nothing of the call leaves), lists are split into pages of one `syncId`, keys
 * are the contract's, and sends are idempotent (acks=all, one request in flight) and
 * retried. Consumers dedupe by event id and natural key, so a call repeated after a failure
 * is safe.
 */
export class ConnectorClient {
  private producer?: Producer;
  private readonly kafka: Kafka;
  private readonly pageSize: number;
  private readonly attempts: number;

  constructor(private readonly options: ConnectorClientOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'connector-sdk',
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
      connectionTimeout: 3_000,
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
      ...(options.sasl ? { sasl: options.sasl } : {}),
    });
    this.pageSize = Math.min(options.pageSize ?? 5_000, MAX_PAGE);
    if (!(this.pageSize >= 1)) throw new RangeError('pageSize must be at least 1');
    this.attempts = Math.max(1, options.attempts ?? 5);
  }

  /** `sso.login` events, in order per instance. */
  async sendLogins(tenantId: string, logins: LoginInput[]): Promise<{ sent: number }> {
    const events = checkedList(
      ssoLoginSchema,
      logins.map(({ eventId, ...login }) => ({
        ...newEvent('sso.login', tenantId, login),
        ...(eventId && { id: eventId }),
      })),
    );
    await this.send(
      TOPICS.ssoEvents,
      events.map((e) => ({ key: ssoEventKey(tenantId, e.data.ssoConnectionId, e.data.ssoAppId), value: e })),
    );
    return { sent: events.length };
  }

  /** One complete assignment list, as pages of one `syncId`. */
  async sendAssignments(tenantId: string, list: AssignmentListInput): Promise<SentList> {
    const { users, syncId = randomUUID(), ...instance } = list;
    const events = this.pages(users).map(([page, pageCount, part]) =>
      checked(
        ssoAssignmentsSchema,
        newEvent('sso.assignments', tenantId, { ...instance, syncId, page, pageCount, users: part }),
        (page - 1) * this.pageSize,
      ),
    );
    await this.send(
      TOPICS.ssoEvents,
      events.map((e) => ({ key: ssoEventKey(tenantId, instance.ssoConnectionId, instance.ssoAppId), value: e })),
    );
    return { syncId, pages: events.length };
  }

  /** One complete snapshot of a connection, as pages of one `syncId`. */
  async sendSnapshot(tenantId: string, snapshot: SnapshotInput): Promise<SentList> {
    const { users, syncId = randomUUID(), connectionId, asOf } = snapshot;
    const events = this.pages(users).map(([page, pageCount, part]) =>
      checked(
        connectorSnapshotSchema,
        newEvent('connector.snapshot', tenantId, { connectionId, syncId, asOf, page, pageCount, users: part }),
        (page - 1) * this.pageSize,
      ),
    );
    await this.send(
      TOPICS.connectorSnapshots,
      events.map((e) => ({ key: connectorEventKey(tenantId, connectionId), value: e })),
    );
    return { syncId, pages: events.length };
  }

  /** `connector.usage` counts per user and day. */
  async sendUsage(tenantId: string, usage: UsageInput[]): Promise<{ sent: number }> {
    const events = checkedList(
      connectorUsageSchema,
      usage.map((u) => newEvent('connector.usage', tenantId, u)),
    );
    await this.send(
      TOPICS.connectorUsage,
      events.map((e) => ({ key: connectorEventKey(tenantId, e.data.connectionId), value: e })),
    );
    return { sent: events.length };
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** [page, pageCount, users] for each page; an empty list is one empty page. */
  private pages<U>(users: U[]): Array<[number, number, U[]]> {
    const pageCount = Math.max(1, Math.ceil(users.length / this.pageSize));
    return Array.from({ length: pageCount }, (_, i) => [
      i + 1,
      pageCount,
      users.slice(i * this.pageSize, (i + 1) * this.pageSize),
    ]);
  }

  private async send(topic: string, messages: Array<{ key: string; value: unknown }>): Promise<void> {
    const physical = `${this.options.topicPrefix ?? ''}${topic}`;
    // The caller's trace, if it has one (OpenTelemetry's API does nothing without an SDK).
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    const traced = Object.keys(headers).length ? { headers } : {};
    let chunk: Message[] = [];
    let bytes = 0;
    for (const m of messages) {
      const value = JSON.stringify(m.value);
      if (chunk.length && bytes + value.length > BYTES_PER_SEND) {
        await this.sendWithRetries(physical, chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push({ key: m.key, value, ...traced });
      bytes += value.length + m.key.length;
    }
    if (chunk.length) await this.sendWithRetries(physical, chunk);
  }

  private async sendWithRetries(topic: string, messages: Message[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const producer = await this.connected();
        await producer.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        if ((error as { type?: string }).type === 'MESSAGE_TOO_LARGE')
          throw new Error(`a message for ${topic} is larger than the broker accepts: use a smaller pageSize`, {
            cause: error,
          });
        // A producer that lost its broker does not always recover: the next attempt gets a new one.
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        if (attempt >= this.attempts) throw new Error(`sending to ${topic} failed ${attempt} times`, { cause: error });
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}

/** Every event of a list, or InvalidEventError naming each bad one by its place in the list. */
function checkedList<S extends z.ZodType>(schema: S, events: Array<{ type: string }>): Array<z.infer<S>> {
  const results = events.map((event) => schema.safeParse(event));
  const problems = results.flatMap((r, i) => (r.success ? [] : problemsOf(r.error, i)));
  if (problems.length) throw new InvalidEventError(events[0].type, problems);
  return results.map((r) => r.data as z.infer<S>);
}

/**
 * The event if it satisfies its schema; else InvalidEventError naming the caller's field.
 * `offset` is where the page's users start in the caller's list.
 */
function checked<S extends z.ZodType>(schema: S, event: unknown, offset: number): z.infer<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const problems = problemsOf(result.error).map((p) => ({
    ...p,
    // Users of a later page: their index in the caller's list, not in the page.
    field: p.field.replace(/^users\[(\d+)\]/, (_, i: string) => `users[${Number(i) + offset}]`),
  }));
  throw new InvalidEventError((event as { type: string }).type, problems);
}
