import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { currentScope, scopeEnv, type TestScope } from './test-scope';

const root = join(__dirname, '../../..');

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  name: string;
  url: string;
  process: ChildProcess;
  output: string[];
  stop(): Promise<number | null>;
}

/** Starts a service exactly as npm start does (its own process), and waits for /readyz. */
export async function startServiceProcess(
  name: string,
  portVar: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
): Promise<ServiceProcess> {
  // A restarted service keeps its port (the gateway knows it by it).
  const port = env[portVar] ? Number(env[portVar]) : await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, `apps/${name}/src/main.ts`)], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: serviceNodeOptions(), ...env, [portVar]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output.join('')}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { name, url, process: child, output, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${name} was not ready in ${timeoutMs} ms:\n${output.join('')}`);
}

/** The test run's NODE_OPTIONS without the flags only Jest needs (nx.json's, tools/run.mjs `jestEnv`). */
const jestOnly: string[] = JSON.parse(
  readFileSync(join(root, 'nx.json'), 'utf8'),
).targetDefaults.test.options.env.NODE_OPTIONS.split(' ');
function serviceNodeOptions(): string {
  return (process.env.NODE_OPTIONS ?? '')
    .split(' ')
    .filter((flag) => flag && !jestOnly.includes(flag))
    .join(' ');
}

interface ServiceEntry {
  name: string;
  portVar: string;
  urlVar?: string;
}

/**
 * The whole product as `npm start` runs it (tools/services.json), in the test file's scope or
 * the one given (see test-scope.ts): the services behind the gateway with `env`, then the
 * gateway (with `gatewayEnv`) pointed at them. `all` lists the gateway last.
 */
export async function startProduct(
  options: { env?: NodeJS.ProcessEnv; gatewayEnv?: NodeJS.ProcessEnv; scope?: TestScope } = {},
): Promise<Product> {
  const scope = options.scope ?? currentScope();
  const envOf = (name: string) => ({
    ...(name === 'gateway' ? options.gatewayEnv : options.env),
    ...scopeEnv(scope, name),
  });
  const entries: ServiceEntry[] = JSON.parse(readFileSync(join(root, 'tools/services.json'), 'utf8'));
  const backends = entries.filter((s) => s.name !== 'gateway');
  const started = await Promise.all(backends.map((s) => startServiceProcess(s.name, s.portVar, envOf(s.name))));
  const urls = Object.fromEntries(backends.map((s, i) => [s.urlVar!, started[i].url]));
  const gateway = await startServiceProcess('gateway', 'GATEWAY_PORT', { ...envOf('gateway'), ...urls }).catch(
    async (error) => {
      await Promise.all(started.map((s) => s.stop()));
      throw error;
    },
  );
  const all = [...started, gateway];
  const product: Product = {
    scope,
    gateway,
    all,
    async kill(name, restart = true) {
      const victim = all.find((s) => s.name === name)!;
      await new Promise<void>((resolve) => {
        if (victim.process.exitCode !== null) return resolve();
        victim.process.once('exit', () => resolve());
        victim.process.kill('SIGKILL');
      });
      return restart ? product.start(name) : victim;
    },
    async start(name) {
      const i = all.findIndex((s) => s.name === name);
      const entry = entries.find((s) => s.name === name)!;
      const port = new URL(all[i].url).port;
      const own = name === 'gateway' ? { ...envOf(name), ...urls } : envOf(name);
      all[i] = await startServiceProcess(name, entry.portVar, { ...own, [entry.portVar]: port });
      return all[i];
    },
  };
  return product;
}

export interface Product {
  /** Where it runs: its topics, database and brokers. */
  scope: TestScope;
  gateway: ServiceProcess;
  /** Every service, the gateway last; a killed and restarted one is replaced in place. */
  all: ServiceProcess[];
  /** `kill -9` of one service, then (unless told not to) the same service again on its port. */
  kill(name: string, restart?: boolean): Promise<ServiceProcess>;
  /** A killed service again, on its port. */
  start(name: string): Promise<ServiceProcess>;
}
