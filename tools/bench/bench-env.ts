// What every benchmark shares: its own database and topic prefix on the running Kafka and
// PostgreSQL (as npm test does), a service started as its own process, and cleanup.
import type { KafkaSasl } from '@org/config';
import { createKafka, deleteTopics } from '@org/kafka';
import { dropDatabase } from '@org/database';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import services from '../services.json';

const root = join(__dirname, '../..');

export interface BenchEnv {
  env: NodeJS.ProcessEnv;
  brokers: string[];
  topicPrefix: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

/**
 * `cluster`: the benchmark's own secured cluster instead of the running broker; its admin creates
 * the topics. The env then names the brokers but no principal: each process adds its own.
 */
export function benchEnv(name: string, cluster?: { brokers: string[]; admin: KafkaSasl }): BenchEnv {
  const id = `${name}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/provisioning');
  base.pathname = `/provisioning_bench_${id}`;
  const env = {
    ...process.env,
    DATABASE_URL: base.toString(),
    KAFKA_BROKERS: cluster?.brokers.join(',') ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: `bench-${id}.`,
    INTERNAL_API_TOKEN: randomBytes(24).toString('base64url'),
    ADMIN_API_KEY: `admin_${randomBytes(24).toString('base64url')}`,
    LOG_LEVEL: 'warn',
  };
  const asAdmin = cluster
    ? {
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_USERNAME: cluster.admin.username,
        KAFKA_PASSWORD: cluster.admin.password,
      }
    : {};
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/prepare.ts')], {
    cwd: root,
    env: { ...env, ...asAdmin },
    stdio: 'inherit',
  });
  const brokers = env.KAFKA_BROKERS.split(',');
  return {
    env,
    brokers,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    databaseUrl: env.DATABASE_URL,
    async cleanup() {
      await dropDatabase(env.DATABASE_URL).catch(() => undefined);
      await deleteTopics(
        createKafka({ brokers, clientId: 'bench-cleanup', topicPrefix: '', sasl: cluster?.admin }),
        env.KAFKA_TOPIC_PREFIX,
      ).catch(() => undefined);
    },
  };
}

export interface RunningService {
  process: ChildProcess;
  url: string;
  /** Peak resident memory of the process so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function startService(
  name: string,
  portVar: string,
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<RunningService> {
  // As npm start runs it: built (npm run bench builds first), on plain node.
  // The flags npm start runs it with (services.json), plus any given for a run (e.g. --cpu-prof).
  const service = services.find((s) => s.name === name);
  const flags = [...(service?.nodeFlags ?? []), ...(process.env.BENCH_SERVICE_FLAGS?.split(' ').filter(Boolean) ?? [])];
  const child = spawn(
    process.execPath,
    [...flags, '-r', join(root, 'tools/paths.js'), join(root, `dist/apps/${name}/src/main.js`)],
    {
      cwd: root,
      env: { ...env, [portVar]: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    process: child,
    url,
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `check` until it holds; gently (every `intervalMs`), so the polling itself does not load what is measured. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a benchmark's main; a failure is printed and exits 1, so no JSON line is mistaken for a result. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
