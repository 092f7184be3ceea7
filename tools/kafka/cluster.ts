// npm run kafka -- cluster [N]      a secured N-node KRaft cluster on this machine (default 3)
// npm run kafka -- cluster-stop     stops it
// npm run kafka -- node-kill I      SIGKILLs node I (tests); node-start I starts it again
// npm run kafka -- security-doc     writes docs/security.md from libs/contracts' KAFKA_PRINCIPALS
//
// SPEC §7's secured cluster: every node is broker and controller, with its own ports and data
// folder; clients and brokers authenticate with SASL/SCRAM-SHA-512 (credentials added at
// format time), controllers with SASL/PLAIN (SCRAM lives in the metadata they serve); the
// StandardAuthorizer denies what no ACL allows, and the ACLs are libs/contracts' KAFKA_PRINCIPALS.
// The jars are tools/kafka's (kafka.sh install). Credentials are generated once and kept in
// <dir>/credentials.json; the last line printed is JSON: {brokers, credentials}.
import { type KafkaAcl, KAFKA_PRINCIPALS, kafkaAcls, securityDocument } from '@org/contracts';
import { createKafka } from '@org/kafka';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';

const root = join(__dirname, '../..');
const here = __dirname;
/** Where the cluster keeps its nodes and credentials, and its first client port (read when used: tests set them). */
const clusterDir = () => process.env.KAFKA_CLUSTER_DIR ?? join(root, '.data/kafka-cluster');
const basePort = () => Number(process.env.KAFKA_CLUSTER_PORT ?? 19092);
const libs = process.env.KAFKA_LIBS ?? join(root, '.data/kafka/libs');

export interface ClusterCredentials {
  clusterId: string;
  nodes: number;
  /** Super users: `admin` creates topics and ACLs, `broker` is the brokers' own, `controller` the controllers'. */
  admin: string;
  broker: string;
  controller: string;
  /** Each principal of KAFKA_PRINCIPALS: its password. */
  principals: Record<string, string>;
}

const clientPort = (node: number) => basePort() + node - 1;
const brokerPort = (node: number) => basePort() + 100 + node - 1;
const controllerPort = (node: number) => basePort() + 200 + node - 1;
export const clusterBrokers = (nodes: number) =>
  Array.from({ length: nodes }, (_, i) => `127.0.0.1:${clientPort(i + 1)}`);

const log = (line: string) => process.stderr.write(`[kafka-cluster] ${line}\n`);
const password = () => randomBytes(18).toString('base64url');

/** The credentials of this cluster, made (with a new cluster id) on its first start. */
export function credentials(nodes?: number): ClusterCredentials {
  const file = join(clusterDir(), 'credentials.json');
  if (!existsSync(libs)) execFileSync('bash', [join(here, 'kafka.sh'), 'install'], { stdio: 'inherit' });
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  if (!nodes) throw new Error(`no cluster in ${clusterDir()}: start one (npm run kafka -- cluster 3)`);
  mkdirSync(clusterDir(), { recursive: true });
  const made: ClusterCredentials = {
    clusterId: execFileSync('java', ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'random-uuid'])
      .toString()
      .trim()
      .split('\n')
      .pop()!,
    nodes,
    admin: password(),
    broker: password(),
    controller: password(),
    principals: Object.fromEntries(KAFKA_PRINCIPALS.map((p) => [p.name, password()])),
  };
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

function configure(node: number, c: ClusterCredentials): string {
  const dir = join(clusterDir(), `node-${node}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const voters = Array.from({ length: c.nodes }, (_, i) => `${i + 1}@127.0.0.1:${controllerPort(i + 1)}`).join(',');
  const scram = (user: string, pw: string) =>
    `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${pw}";`;
  const conf = join(dir, 'server.properties');
  writeFileSync(
    conf,
    `process.roles=broker,controller
node.id=${node}
controller.quorum.voters=${voters}
listeners=CLIENT://127.0.0.1:${clientPort(node)},BROKER://127.0.0.1:${brokerPort(node)},CONTROLLER://127.0.0.1:${controllerPort(node)}
advertised.listeners=CLIENT://127.0.0.1:${clientPort(node)},BROKER://127.0.0.1:${brokerPort(node)}
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=BROKER
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.broker.scram-sha-512.sasl.jaas.config=${scram('broker', c.broker)}
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="${c.controller}" user_controller="${c.controller}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:broker;User:controller
allow.everyone.if.no.acl.found=false
log.dirs=${join(dir, 'data')}
num.partitions=3
default.replication.factor=${Math.min(3, c.nodes)}
min.insync.replicas=${c.nodes >= 3 ? 2 : 1}
auto.create.topics.enable=false
offsets.topic.replication.factor=${Math.min(3, c.nodes)}
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=${Math.min(3, c.nodes)}
transaction.state.log.min.isr=${c.nodes >= 3 ? 2 : 1}
share.coordinator.state.topic.replication.factor=${Math.min(3, c.nodes)}
share.coordinator.state.topic.min.isr=${c.nodes >= 3 ? 2 : 1}
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
log.cleaner.dedupe.buffer.size=16777216
`,
  );
  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const users = [['admin', c.admin], ['broker', c.broker], ...Object.entries(c.principals)].flatMap(([name, pw]) => [
      '--add-scram',
      `SCRAM-SHA-512=[name=${name},password=${pw}]`,
    ]);
    execFileSync(
      'java',
      [
        `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`,
        `-Dkafka.logs.dir=${dir}`,
        '-cp',
        `${libs}/*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        c.clusterId,
        '-c',
        conf,
        ...users,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return conf;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() === socket));
    socket.once('error', () => resolve(false));
  });

const pidFile = (node: number) => join(clusterDir(), `node-${node}`, 'kafka.pid');

function alive(node: number): number | null {
  if (!existsSync(pidFile(node))) return null;
  const pid = Number(readFileSync(pidFile(node), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Starts node `node` (formatting it once) and waits until its client port answers. */
export async function startNode(node: number): Promise<void> {
  const c = credentials();
  if (alive(node)) return;
  const conf = configure(node, c);
  const dir = join(clusterDir(), `node-${node}`);
  const out = openSync(join(dir, 'stdout.log'), 'a');
  const heap = (process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx512m').split(' ');
  const child = spawn(
    'java',
    [
      ...heap,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${dir}`,
      '-cp',
      `${libs}/*`,
      'kafka.Kafka',
      conf,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  writeFileSync(pidFile(node), String(child.pid));
  for (let i = 0; i < 240; i++) {
    if (await answers(clientPort(node))) return;
    if (!alive(node)) throw new Error(`node ${node} exited; see ${join(dir, 'stdout.log')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`node ${node} did not answer within 120 s`);
}

/** SIGKILLs node `node` (the failover tests and benchmark); `startNode` brings it back. */
export function killNode(node: number): void {
  const pid = alive(node);
  if (pid) process.kill(pid, 'SIGKILL');
  rmSync(pidFile(node), { force: true });
}

/** The admin's view of the cluster (topics, ACLs), as a super user. */
export function adminKafka(nodes = credentials().nodes) {
  return createKafka({
    brokers: clusterBrokers(nodes),
    clientId: 'cluster-admin',
    topicPrefix: '',
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: credentials().admin },
  });
}

/** Grants SPEC §7's ACLs for topics and groups under `topicPrefix` (idempotent: the broker keeps one of each). */
export async function grantAcls(topicPrefix = ''): Promise<KafkaAcl[]> {
  const acls = kafkaAcls(topicPrefix);
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: acls.map((a) => ({
        resourceType: a.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
        resourceName: a.name,
        resourcePatternType: a.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
        principal: `User:${a.principal}`,
        host: '*',
        operation: a.operation === 'READ' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
    // The controller has them once createAcls returns; a broker's authorizer a moment later.
    for (let i = 0; ; i++) {
      const { resources } = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      const seen = new Set(
        resources.flatMap((r) => r.acls.map((a) => `${r.resourceName} ${a.principal} ${a.operation}`)),
      );
      const missing = acls.filter(
        (a) =>
          !seen.has(
            `${a.name} User:${a.principal} ${a.operation === 'READ' ? AclOperationTypes.READ : AclOperationTypes.WRITE}`,
          ),
      );
      if (!missing.length) {
        // kafkajs asks one broker; the others apply the same metadata record within moments.
        await new Promise((r) => setTimeout(r, 2_000));
        break;
      }
      if (i > 100) throw new Error(`${missing.length} ACLs not in effect after 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  return acls;
}

/** Every partition of the topics under `topicPrefix`: its leader node, replicas and in-sync replicas. */
async function partitionsUnder(admin: Admin, topicPrefix: string) {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
  return metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })));
}

/** The node that leads most partitions under `topicPrefix` (the one whose loss hurts most), and how many it leads of all. */
export async function busiestLeader(topicPrefix: string): Promise<{ node: number; leads: number; partitions: number }> {
  const admin = adminKafka().admin();
  await admin.connect();
  const partitions = await partitionsUnder(admin, topicPrefix).finally(() => admin.disconnect());
  const leads = new Map<number, number>();
  for (const p of partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
  const [node, count] = [...leads].sort((a, b) => b[1] - a[1])[0];
  return { node, leads: count, partitions: partitions.length };
}

/**
 * Waits until every partition under `topicPrefix` has each of its replicas in sync again; returns
 * how long that took. One admin connection for the wait, made again only when it breaks.
 */
export async function untilInSync(topicPrefix: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  let admin: Admin | null = null;
  try {
    for (;;) {
      let behind: number;
      try {
        if (!admin) {
          admin = adminKafka().admin();
          await admin.connect();
        }
        behind = (await partitionsUnder(admin, topicPrefix)).filter((p) => p.isr.length < p.replicas.length).length;
      } catch {
        // A node still away: ask again on a new connection.
        await admin?.disconnect().catch(() => undefined);
        admin = null;
        behind = -1;
      }
      if (behind === 0) return Date.now() - started;
      if (Date.now() - started > timeoutMs)
        throw new Error(`partitions under ${topicPrefix} not in sync after ${timeoutMs} ms (${behind} behind)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin?.disconnect().catch(() => undefined);
  }
}

/**
 * Starts every node and waits for all of them to be brokers of one cluster; with `grantFor`, grants
 * the ACLs of the principals under that topic prefix (tests and benchmarks grant their own).
 */
export async function startCluster(
  nodes: number,
  grantFor?: { topicPrefix: string },
): Promise<{ brokers: string[]; credentials: string }> {
  const c = credentials(nodes);
  if (c.nodes !== nodes)
    throw new Error(`${clusterDir()} holds a ${c.nodes}-node cluster: stop it and remove the folder first`);
  log(`starting ${nodes} nodes (client ports ${clientPort(1)}–${clientPort(nodes)}, data in ${clusterDir()})`);
  await Promise.all(Array.from({ length: nodes }, (_, i) => startNode(i + 1)));
  const admin = adminKafka(nodes).admin();
  await admin.connect();
  try {
    for (let i = 0; ; i++) {
      const { brokers } = await admin.describeCluster();
      if (brokers.length === nodes) break;
      if (i > 120) throw new Error(`only ${brokers.length} of ${nodes} brokers joined`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
  if (grantFor) await grantAcls(grantFor.topicPrefix);
  log('ready');
  return { brokers: clusterBrokers(nodes), credentials: join(clusterDir(), 'credentials.json') };
}

export async function stopCluster(): Promise<void> {
  if (!existsSync(join(clusterDir(), 'credentials.json'))) return;
  const { nodes } = credentials();
  for (let node = 1; node <= nodes; node++) {
    const pid = alive(node);
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 60 && alive(node); i++) await new Promise((r) => setTimeout(r, 500));
    if (alive(node)) killNode(node);
    rmSync(pidFile(node), { force: true });
  }
  log('stopped');
}

if (require.main === module) {
  const [command, arg] = process.argv.slice(2);
  const run: Record<string, () => Promise<unknown>> = {
    cluster: () => startCluster(Number(arg ?? 3), { topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '' }),
    'cluster-stop': stopCluster,
    'node-kill': async () => killNode(Number(arg)),
    'node-start': () => startNode(Number(arg)),
    'security-doc': async () => writeFileSync(join(root, 'docs/security.md'), securityDocument()),
  };
  if (!run[command]) {
    console.error(`usage: cluster.ts ${Object.keys(run).join('|')} [N]`);
    process.exit(2);
  }
  run[command]()
    .then((result) => {
      if (result) console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
