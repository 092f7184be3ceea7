// Checks of the workspace itself: migrations match the entities (migration:check), the
// module-boundary rule is on, and docker-compose.yml is valid for users with Docker.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('the workspace', () => {
  it('has a committed migration for every entity change of every service', () => {
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', 'tools/migration.ts', 'check'], {
      cwd: root,
      env: process.env,
    });
    expect(out.toString().match(/migrations match the entities/g)).toHaveLength(4);
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
