import { dlqTopicOf, TOPICS, type Topic } from './topics';

/**
 * SPEC §7, least privilege on a secured cluster: one SCRAM principal per service and per kind
 * of outside producer, each allowed only the topics and consumer groups it needs. The cluster
 * tool (tools/kafka/cluster.ts) grants exactly these ACLs, and docs/security.md is generated
 * from them (a test keeps it so).
 */
export interface KafkaPrincipal {
  /** The SCRAM user name (KAFKA_USERNAME). */
  name: string;
  /** Who runs as it. */
  who: string;
  /** Topics it consumes; it may also write their DLQs (refused messages go there). */
  consumes: Topic[];
  /** Topics it produces to (idempotent producers, acks=all). */
  produces: Topic[];
  /** Whether it has consumer groups of its own, all named `<prefix><name>.…`. */
  groups: boolean;
}

export const KAFKA_PRINCIPALS: KafkaPrincipal[] = [
  {
    name: 'sso-ingest',
    who: 'the sso-ingest service',
    consumes: [TOPICS.ssoEvents, TOPICS.tenants, TOPICS.registryConnections],
    produces: [TOPICS.ssoInstances, TOPICS.ssoEstimates, TOPICS.ssoActivity, TOPICS.ssoUserActivity, TOPICS.audit],
    groups: true,
  },
  {
    name: 'connector-registry',
    who: 'the connector-registry service',
    consumes: [TOPICS.ssoInstances],
    produces: [TOPICS.registryConnections, TOPICS.audit],
    groups: true,
  },
  {
    name: 'provisioning-resolver',
    who: 'the provisioning-resolver service',
    consumes: [
      TOPICS.connectorSnapshots,
      TOPICS.connectorUsage,
      TOPICS.registryConnections,
      TOPICS.ssoInstances,
      TOPICS.ssoEstimates,
      TOPICS.ssoActivity,
      TOPICS.ssoUserActivity,
      TOPICS.tenants,
    ],
    produces: [TOPICS.resolverViews, TOPICS.audit],
    groups: true,
  },
  {
    name: 'gateway',
    who: 'the gateway (tenant settings out, view changes in for its cache, the audit in for GET /v1/audit)',
    consumes: [TOPICS.resolverViews, TOPICS.audit],
    produces: [TOPICS.tenants, TOPICS.audit],
    groups: true,
  },
  {
    name: 'sso-sources',
    who: 'the sso-sources service (SPEC §8)',
    consumes: [TOPICS.ssoInstances],
    produces: [TOPICS.ssoEvents, TOPICS.audit],
    groups: true,
  },
  {
    name: 'sso-producer',
    who: 'outside SSO platform connectors',
    consumes: [],
    produces: [TOPICS.ssoEvents],
    groups: false,
  },
  {
    name: 'connector',
    who: 'outside provisioning and engagement connectors (libs/connector-sdk, the SCIM connector)',
    consumes: [],
    produces: [TOPICS.connectorSnapshots, TOPICS.connectorUsage],
    groups: false,
  },
];

/** READ and WRITE imply DESCRIBE, on topics and on groups alike. */
export type AclOperation = 'READ' | 'WRITE';

/** One ACL to grant: `operation` on a topic or consumer group, by exact name or by prefix. */
export interface KafkaAcl {
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: AclOperation;
}

/** The ACLs of SPEC §7 for every principal, with topic and group names under `topicPrefix`. */
export function kafkaAcls(topicPrefix = ''): KafkaAcl[] {
  return KAFKA_PRINCIPALS.flatMap((p) => {
    const topic = (name: string, operations: AclOperation[]) =>
      operations.map((operation): KafkaAcl => ({
        principal: p.name,
        resource: 'topic',
        name: `${topicPrefix}${name}`,
        pattern: 'literal',
        operation,
      }));
    return [
      ...p.consumes.flatMap((t) => [...topic(t, ['READ']), ...topic(dlqTopicOf(t), ['WRITE'])]),
      ...p.produces.flatMap((t) => topic(t, ['WRITE'])),
      ...(p.groups
        ? [
            {
              principal: p.name,
              resource: 'group',
              name: `${topicPrefix}${p.name}.`,
              pattern: 'prefixed',
              operation: 'READ',
            } satisfies KafkaAcl,
          ]
        : []),
    ];
  });
}

/** docs/security.md: the table of principals and ACLs, generated from KAFKA_PRINCIPALS (a test keeps the file equal). */
export function securityDocument(): string {
  const list = (topics: string[]) => (topics.length ? topics.map((t) => `\`${t}\``).join(', ') : '—');
  const rows = KAFKA_PRINCIPALS.map(
    (p) =>
      `| \`${p.name}\` | ${p.who} | ${list(p.consumes)} | ${list([...p.produces, ...p.consumes.map(dlqTopicOf)])} | ${
        p.groups ? `\`${p.name}.\` (prefix)` : '—'
      } |`,
  );
  return `# Kafka security (SPEC §7)

Generated from \`KAFKA_PRINCIPALS\` in \`libs/contracts/src/kafka-access.ts\` (\`npm run kafka -- security-doc\`
writes it; a unit test fails when it differs). On the secured cluster (\`npm run kafka -- cluster 3\`)
clients authenticate with SASL/SCRAM-SHA-512 over \`SASL_PLAINTEXT\`, the StandardAuthorizer denies
whatever no ACL allows (\`allow.everyone.if.no.acl.found=false\`), and each process has one of these
principals (\`KAFKA_SASL_MECHANISM=SCRAM-SHA-512\`, \`KAFKA_USERNAME\`, \`KAFKA_PASSWORD\`).

| principal | who | reads (READ) | writes (WRITE) | consumer groups (READ) |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Besides them, three super users: \`admin\` (creates topics and ACLs: \`tools/prepare.ts\`, the cluster
tool), \`broker\` (between brokers, SCRAM) and \`controller\` (between controllers, SASL/PLAIN: SCRAM
credentials live in the metadata the controllers serve). READ and WRITE imply DESCRIBE. Every
name above is prefixed with \`KAFKA_TOPIC_PREFIX\` when one is set (test runs).
`;
}
