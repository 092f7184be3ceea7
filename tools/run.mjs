// The two commands. Plain Node (no dependencies) so it runs before `npm ci`.
//   npm start   install what is missing, Kafka + PostgreSQL when none answers, migrations
//               and topics, the four services; prints the URLs and keys; Ctrl-C stops all.
//   npm test    lint, typecheck, unit tests, then the integration suites over real Kafka and
//               PostgreSQL (env vars when set, else Testcontainers, else our own).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineFormatter, prettyWanted } from './log-lines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data');
const log = (m) => console.log(`[run] ${m}`);

const SERVICES = JSON.parse(readFileSync(join(root, 'tools/services.json'), 'utf8'));

function sh(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (r.status !== 0) {
    console.error(`[run] failed: ${command} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

/**
 * The Node.js the project runs on: package.json's exact `node` dependency, the official binary
 * that the `node` package on the npm registry installs into node_modules/.bin. The machine's
 * own Node (whatever it is) only starts this script and the first install.
 */
const projectNodeVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.node;
const binDir = join(root, 'node_modules', '.bin');
const projectNode = join(binDir, 'node');

/** The npm CLI this script was started by (npm sets npm_execpath), else the one on PATH. */
function npmCli() {
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) return process.env.npm_execpath;
  const r = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (!found) throw new Error('npm is not on PATH');
  return realpathSync(found);
}

/**
 * `npm ci` when node_modules is missing or older than package-lock.json, run by the project's
 * Node: npm checks every package's `engines` against the Node that runs it (engine-strict), so
 * the install must not run on the machine's older one. When the project's Node is not there yet,
 * it is installed alone first into .data/node-<version> (from the npm cache after the first time).
 */
function ensureInstalled() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = join(root, 'node_modules', '.install-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  const npm = npmCli();
  let node = process.execPath;
  if (process.version !== `v${projectNodeVersion}`) {
    const prefix = join(dataDir, `node-${projectNodeVersion}`);
    node = join(prefix, 'node_modules', '.bin', 'node');
    if (!existsSync(node)) {
      log(`installing Node.js ${projectNodeVersion} (the npm package "node") to run the install`);
      mkdirSync(prefix, { recursive: true });
      writeFileSync(
        join(prefix, 'package.json'),
        JSON.stringify({ private: true, allowScripts: { node: true }, dependencies: { node: projectNodeVersion } }),
      );
      sh(process.execPath, [npm, 'install', '--no-audit', '--no-fund', '--prefix', prefix], {
        env: { ...process.env, npm_config_engine_strict: 'false' },
      });
    }
  }
  log(`installing dependencies (npm ci, Node.js ${projectNodeVersion})`);
  sh(node, [npm, 'ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
  });
  writeFileSync(stamp, hash);
}

/**
 * Runs this same command again on the project's Node when the machine's started it, with
 * node_modules/.bin first on PATH (so `npx`, Jest workers and the services it spawns use it too).
 * Signals reach the child (a terminal's Ctrl-C reaches both; a CI's SIGTERM only this process).
 */
async function onProjectNode() {
  if (process.version === `v${projectNodeVersion}`) return;
  const child = spawn(projectNode, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}` },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  process.exit(code);
}

/** The admin key, the gateway's internal credential and the sources' encryption key, generated once and kept under .data/. */
function secrets() {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const next = {
    adminApiKey: kept.adminApiKey ?? `admin_${randomBytes(24).toString('base64url')}`,
    internalApiToken: kept.internalApiToken ?? randomBytes(32).toString('base64url'),
    // sso-sources seals the platforms' secrets with it (AES-256-GCM): kept, or they no longer open.
    sourcesEncryptionKey: kept.sourcesEncryptionKey ?? randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  return next;
}

const tsNode = ['--enable-source-maps', '-r', '@swc-node/register'];

/**
 * Jest loads the ESM-only packages (NestJS 12, MikroORM 7, kysely) through `require(esm)`, which
 * it supports on Node 24.9+ with vm modules: the flags are nx.json's for its `test` targets. Only
 * Jest gets them: the services it starts drop them again (libs/testing/src/processes.ts).
 */
const JEST_NODE_OPTIONS = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).targetDefaults.test.options.env
  .NODE_OPTIONS;
const jestEnv = () => ({
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, JEST_NODE_OPTIONS].filter(Boolean).join(' '),
});
/**
 * Built services run on plain node: less memory and a faster start than compiling on the fly.
 * Each has a heap cap (services.json): V8 then collects before the process grows, which keeps
 * a service's memory flat under load instead of growing to the machine's default limit.
 */
const built = (s) => [
  ...(s.nodeFlags ?? []),
  '--enable-source-maps',
  '-r',
  './tools/paths.js',
  `dist/apps/${s.name}/src/main.js`,
];

function build() {
  sh('npx', ['tsc', '-p', 'tsconfig.build.json']);
  buildDashboard();
}

/** The dashboard the gateway serves at `/`, built ahead (esbuild, well under a second). */
function buildDashboard() {
  sh(process.execPath, ['tools/build-dashboard.mjs']);
}

async function waitReady(url, child, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function start() {
  const t0 = Date.now();
  const { up, down, answers } = await import('./infra.mjs');
  for (const s of SERVICES) {
    const port = Number(process.env[s.portVar] || s.port);
    if (await answers('127.0.0.1', port)) {
      console.error(
        `[run] port ${port} (${s.name}) is in use: is npm start already running? Set ${s.portVar} to move it.`,
      );
      process.exit(1);
    }
  }
  const infra = await up();
  const keys = secrets();
  const env = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers,
    DATABASE_URL: infra.databaseUrl,
    ADMIN_API_KEY: process.env.ADMIN_API_KEY || keys.adminApiKey,
    INTERNAL_API_TOKEN: process.env.INTERNAL_API_TOKEN || keys.internalApiToken,
    SOURCES_ENCRYPTION_KEY: process.env.SOURCES_ENCRYPTION_KEY || keys.sourcesEncryptionKey,
  };
  // On the secured cluster (KAFKA_CLUSTER=3): topics and ACLs as its admin, each service as its own principal.
  const cluster = infra.kafkaCredentials ? JSON.parse(readFileSync(infra.kafkaCredentials, 'utf8')) : null;
  const asPrincipal = (username, password) =>
    cluster ? { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_USERNAME: username, KAFKA_PASSWORD: password } : {};
  sh(process.execPath, [...tsNode, 'tools/prepare.ts'], { env: { ...env, ...asPrincipal('admin', cluster?.admin) } });
  build();

  const portOf = (s) => Number(env[s.portVar] || s.port);
  // The gateway finds each service on its port, moved or not.
  const urls = Object.fromEntries(
    SERVICES.filter((s) => s.urlVar).map((s) => [s.urlVar, `http://127.0.0.1:${portOf(s)}`]),
  );
  // pino-pretty is installed by now (ensureInstalled ran), so it is loaded only here.
  const prettyFactory = prettyWanted() ? (await import('pino-pretty')).prettyFactory : undefined;
  const width = Math.max(...SERVICES.map((s) => s.name.length));
  const children = SERVICES.map((s, index) => {
    const port = portOf(s);
    const shown = lineFormatter(s.name, index, { width, prettyFactory });
    const child = spawn(process.execPath, built(s), {
      cwd: root,
      env: { ...urls, ...env, [s.portVar]: String(port), ...asPrincipal(s.name, cluster?.principals[s.name]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) process.stdout.write(`${shown(line)}\n`);
      });
    }
    return { ...s, port, child };
  });

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping the services');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    const started = Object.entries(infra.started)
      .filter(([, v]) => v)
      .map(([k]) => k);
    if (started.length) {
      log(`stopping ${started.join(' and ')}`);
      down(started);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  for (const s of children) {
    s.child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[run] ${s.name} exited (${code}); stopping everything`);
        stop(1);
      }
    });
  }

  const ready = await Promise.all(children.map((s) => waitReady(`http://127.0.0.1:${s.port}/readyz`, s.child)));
  const notReady = children.filter((_, i) => !ready[i]).map((s) => s.name);
  if (notReady.length) {
    console.error(`[run] not ready: ${notReady.join(', ')}`);
    return stop(1);
  }
  const gateway = children.find((s) => s.name === 'gateway');
  const url = `http://127.0.0.1:${gateway.port}`;
  const demo =
    process.env.DEMO === '0'
      ? null
      : await seedDemo({
          ...env,
          GATEWAY_URL: url,
          ...(cluster ? { KAFKA_CLUSTER_CREDENTIALS: infra.kafkaCredentials } : {}),
        });
  console.log(
    [
      '',
      `  Provisioning platform is up (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      `  Dashboard and API:  ${url}/`,
      `  Admin key:          ${env.ADMIN_API_KEY}`,
      ...(demo ? [`  Demo tenant key:    ${demo.apiKey}   (sign in to the dashboard with it)`] : []),
      `  Try:                curl -s -X POST ${url}/v1/tenants -H 'authorization: Bearer ${env.ADMIN_API_KEY}' -H 'content-type: application/json' -d '{"name":"Acme"}'`,
      '  Ctrl-C stops everything this command started.',
      '',
    ].join('\n'),
  );
}

/** The demo tenant (tools/demo), through the running services; its key, or null if seeding failed. */
function seedDemo(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...tsNode, 'tools/demo/seed-demo.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let key = null;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        const match = /^demo-key (\S+) (\S+)$/.exec(line);
        if (match) key = { tenantId: match[1], apiKey: match[2] };
        else process.stdout.write(`${line}\n`);
      }
    });
    child.once('exit', () => resolve(key));
  });
}

async function test() {
  const t0 = Date.now();
  await staticChecks();
  const t1 = Date.now();
  await testInt();
  log(`npm test passed in ${((Date.now() - t0) / 1000).toFixed(0)} s (checks ${((t1 - t0) / 1000).toFixed(0)} s)`);
}

/**
 * Lint, typecheck and unit tests of the whole workspace, each tool run once over all of it, two
 * at a time. Nx's per-project targets (`npm run lint`, `typecheck`, `test:unit`, cached) start
 * TypeScript, ESLint and Jest once per project: 350 s here without the cache, against about 60 s
 * this way, and CI has no cache to hit. Each task's output is printed when it ends, whole.
 */
async function staticChecks() {
  const bin = (name) => join(root, 'node_modules/.bin', name);
  const tasks = [
    ['typecheck (services, libs, tools)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['lint', bin('eslint'), ['apps', 'libs', 'tools', 'e2e', '*.js', '*.mjs']],
    ['unit tests', bin('jest'), ['-c', 'jest.config.js', '--ci'], jestEnv()],
    ['typecheck (e2e)', bin('tsc'), ['-p', 'e2e/tsconfig.json', '--noEmit']],
    ['typecheck (dashboard)', bin('tsc'), ['-p', 'apps/dashboard/tsconfig.json', '--noEmit']],
    // Redocly's and Spectral's rules on the OpenAPI document; the typed client's schema up to date.
    ['API documents', process.execPath, [...tsNode, 'tools/api-docs.ts', 'check']],
  ];
  const failed = [];
  const runTask = ([name, command, args, env = process.env]) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = [];
      child.stdout.on('data', (d) => output.push(d));
      child.stderr.on('data', (d) => output.push(d));
      child.once('exit', (code) => {
        const took = ((Date.now() - started) / 1000).toFixed(0);
        process.stdout.write(Buffer.concat(output));
        log(`${name}: ${code === 0 ? 'passed' : 'FAILED'} in ${took} s`);
        if (code !== 0) failed.push(name);
        resolve();
      });
    });
  const queue = [...tasks];
  await Promise.all(
    [0, 1].map(async () => {
      while (queue.length) await runTask(queue.shift());
    }),
  );
  if (failed.length) {
    console.error(`[run] failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

/** The integration suites; brings up Kafka and PostgreSQL first unless env vars name them. */
async function testInt(extraArgs = []) {
  buildDashboard();
  const { up, down } = await import('./infra.mjs');
  let env = jestEnv();
  let started = [];
  if (!(process.env.KAFKA_BROKERS && process.env.DATABASE_URL) && !dockerAnswers()) {
    const infra = await up();
    env = { ...env, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl };
    started = Object.entries(infra.started)
      .filter(([, v]) => v)
      .map(([k]) => k);
  }
  const r = spawnSync('npx', ['jest', '-c', 'jest.int.config.js', ...extraArgs], { stdio: 'inherit', cwd: root, env });
  if (started.length) down(started);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function dockerAnswers() {
  if (process.env.TESTCONTAINERS === '0') return false;
  const r = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

const [command, ...args] = process.argv.slice(2);
/** npm run bench -- NAME: brings up Kafka and PostgreSQL like npm test, then tools/bench/NAME.ts. */
async function bench() {
  const name = args[0];
  if (!name || !existsSync(join(root, `tools/bench/${name}.ts`))) {
    console.error('usage: npm run bench -- ingest|snapshot|rebuild|read|reclamation|failover');
    process.exit(2);
  }
  const { up, down } = await import('./infra.mjs');
  const infra = await up();
  build();
  const env = { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl };
  const r = spawnSync(process.execPath, [...tsNode, `tools/bench/${name}.ts`], { stdio: 'inherit', cwd: root, env });
  const started = Object.entries(infra.started)
    .filter(([, v]) => v)
    .map(([k]) => k);
  // Quietly: the benchmark's JSON object stays the last line printed.
  if (started.length) down(started, { quiet: true });
  process.exit(r.status ?? 1);
}

/** npm run test:cluster: the secured-cluster suite on three nodes (npm test runs its checks on one). */
function testCluster() {
  process.env.CLUSTER_NODES = '3';
  return testInt(['e2e/test/cluster', ...args]);
}

/** npm run test:chaos: the reliability suite at the sizes (npm test runs it smaller). */
function testChaos() {
  process.env.CHAOS_FULL = '1';
  return testInt(['e2e/test/chaos', ...args]);
}

/**
 * npm run kafka -- install|start|stop|status|run      the single node (tools/kafka/kafka.sh)
 * npm run kafka -- cluster [N]|cluster-stop|node-kill I|node-start I   the secured cluster (tools/kafka/cluster.ts)
 */
async function kafka() {
  const single = ['install', 'start', 'stop', 'status', 'run'].includes(args[0]);
  const r = single
    ? spawnSync('bash', ['tools/kafka/kafka.sh', ...args], { stdio: 'inherit', cwd: root })
    : spawnSync(process.execPath, [...tsNode, 'tools/kafka/cluster.ts', ...args], { stdio: 'inherit', cwd: root });
  process.exit(r.status ?? 1);
}

const commands = {
  start,
  test,
  check: staticChecks,
  bench,
  kafka,
  'test-int': () => testInt(args),
  'test-chaos': testChaos,
  'test-cluster': testCluster,
};
if (!commands[command]) {
  console.error(`usage: run.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
// Every command installs what is missing, then runs on the project's Node.
ensureInstalled();
await onProjectNode();
commands[command]().catch((e) => {
  console.error(e);
  process.exit(1);
});
