import { z } from 'zod';
import { TOPIC_EVENT_SCHEMAS } from './catalog';
import { TOPIC_SPECS, TOPICS, type Topic } from './topics';

// The AsyncAPI 3 document of SPEC §4, generated from the same schemas the consumers parse
// with, so it cannot drift from what the services accept.

/** Who writes each topic (SPEC §4) and which key keeps its events in order. */
const TOPIC_DOCS: Record<Topic, { producer: string; key: string; description: string }> = {
  [TOPICS.ssoEvents]: {
    producer: 'SSO platform connectors (outside producers), and sso-sources pulling from the platforms (SPEC §8)',
    key: '<tenantId>:<ssoConnectionId>:<ssoAppId>',
    description: 'Logins and assignment lists (pages of one syncId) from SSO platforms.',
  },
  [TOPICS.connectorSnapshots]: {
    producer: 'provisioning and engagement connectors (outside producers)',
    key: '<tenantId>:<connectionId>',
    description: 'Snapshots of provisioned users, in pages of one syncId; applied when every page is in.',
  },
  [TOPICS.connectorUsage]: {
    producer: 'engagement connectors (outside producers)',
    key: '<tenantId>:<connectionId>',
    description: 'Per user and day, how many events the user had.',
  },
  [TOPICS.ssoInstances]: {
    producer: 'sso-ingest',
    key: '<tenantId>:<ssoConnectionId>[:<ssoAppId>]',
    description: 'Instances discovered or changed, SSO connections created or removed (compacted).',
  },
  [TOPICS.ssoEstimates]: {
    producer: 'sso-ingest',
    key: '<tenantId>:<instanceId>:<userId>',
    description: 'The estimate intervals of one (instance, user), replacing earlier ones (compacted).',
  },
  [TOPICS.ssoActivity]: {
    producer: 'sso-ingest',
    key: '<tenantId>:<instanceId>:<day>',
    description: 'Per (instance, day), the users with a non-social login (compacted).',
  },
  [TOPICS.ssoUserActivity]: {
    producer: 'sso-ingest',
    key: '<tenantId>:<instanceId>:<userId>',
    description: 'Per (instance, user), the latest non-social login, replacing earlier ones (compacted; R17).',
  },
  [TOPICS.registryConnections]: {
    producer: 'connector-registry (transactional outbox)',
    key: '<tenantId>:<instanceId>',
    description: 'Connection lifecycle: the whole connection after each change.',
  },
  [TOPICS.resolverViews]: {
    producer: 'provisioning-resolver (transactional outbox)',
    key: '<tenantId>:<instanceId>',
    description: 'Which days of which instance changed; rebuild started / progressed / finished.',
  },
  [TOPICS.tenants]: {
    producer: 'gateway (transactional outbox)',
    key: '<tenantId>',
    description: 'Tenant settings (time zone, estimate window); an addition to SPEC §4 (compacted).',
  },
  [TOPICS.audit]: {
    producer: 'every service, for the changes it owns (transactional outbox)',
    key: '<tenantId>',
    description:
      'Every change made through the API, who made it and what changed (GET /v1/audit); an addition to SPEC §4.',
  },
};

/** The event schemas a topic's schema is made of (one, or the options of a discriminated union). */
function eventSchemasOf(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodDiscriminatedUnion) return schema.options as z.ZodObject[];
  return [schema as z.ZodObject];
}

const typeOf = (event: z.ZodObject) => (event.shape.type as z.ZodLiteral<string>).value;
const messageId = (type: string) => type.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
const channelId = (topic: string) => messageId(topic.replace(/\.v\d+$/, ''));

export function asyncApiDocument(version = '1.0.0') {
  const channels: Record<string, object> = {};
  const operations: Record<string, object> = {};
  const messages: Record<string, object> = {};
  for (const [topic, schema] of Object.entries(TOPIC_EVENT_SCHEMAS) as Array<[Topic, z.ZodType]>) {
    const docs = TOPIC_DOCS[topic];
    const channel = channelId(topic);
    const channelMessages: Record<string, object> = {};
    for (const event of eventSchemasOf(schema)) {
      const type = typeOf(event);
      const id = messageId(type);
      const { $schema: _drop, ...payload } = z.toJSONSchema(event, { target: 'draft-7', io: 'input' }) as Record<
        string,
        unknown
      >;
      messages[id] = { name: type, title: type, contentType: 'application/json', payload };
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    const spec = TOPIC_SPECS[topic];
    channels[channel] = {
      address: topic,
      title: topic,
      description: `${docs.description} Key: \`${docs.key}\`. Partitions: ${spec.partitions}${
        spec.compacted ? ', compacted' : ''
      }. Written by ${docs.producer}. Messages a consumer cannot process go to \`${topic}.dlq\` with the reason.`,
      messages: channelMessages,
    };
    operations[`publish${channel[0].toUpperCase()}${channel.slice(1)}`] = {
      action: 'send',
      title: `${docs.producer} publish to ${topic}`,
      channel: { $ref: `#/channels/${channel}` },
      messages: Object.keys(channelMessages).map((id) => ({ $ref: `#/channels/${channel}/messages/${id}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Provisioning data platform — Kafka contract',
      version,
      description:
        'SPEC §4. Every message value is JSON in one envelope {id, type, version: 1, tenantId, occurredAt, data}; ' +
        'producers may resend any message and consumers are idempotent by id and by natural key.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
