import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_PRINCIPALS, kafkaAcls, securityDocument } from './kafka-access';
import { TOPICS } from './topics';

const root = join(__dirname, '../../..');

/** Every `.ts` file under a folder. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')
        ? [join(dir, e.name)]
        : [],
  );
const topicsIn = (app: string, pattern: RegExp) =>
  new Set(
    sources(join(root, 'apps', app, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => TOPICS[m[1] as keyof typeof TOPICS]),
    ),
  );

describe('SPEC §7: the principals and their ACLs', () => {
  it.each(KAFKA_PRINCIPALS.filter((p) => p.groups).map((p) => [p.name, p]))(
    '%s consumes exactly what its code subscribes to, and produces what its code sends',
    (name, principal) => {
      const consumed = topicsIn(name, /@EventPattern\(TOPICS\.(\w+)/g);
      const subscribed = topicsIn(name, /subscribe\(\{ topic: physicalTopic\(settings, TOPICS\.(\w+)\)/g);
      const produced = topicsIn(name, /topic: TOPICS\.(\w+)/g);
      // recordChange and auditEntry (libs/service) write the audit of a change to audit.v1.
      const audits = sources(join(root, 'apps', name, 'src')).some((f) =>
        /recordChange\(|auditEntry\(/.test(readFileSync(f, 'utf8')),
      );
      if (audits) produced.add(TOPICS.audit);
      expect(new Set(principal.consumes)).toEqual(new Set([...consumed, ...subscribed]));
      // sso-sources produces through libs/connector-sdk, which names its topics itself.
      if (name !== 'sso-sources') expect(new Set(principal.produces)).toEqual(produced);
      else expect(principal.produces.includes(TOPICS.audit)).toBe(audits);
    },
  );

  it('lets no outside producer read anything, nor write what the services derive', () => {
    const outside = kafkaAcls().filter((a) => ['sso-producer', 'connector'].includes(a.principal));
    expect(outside.every((a) => a.operation === 'WRITE' && a.resource === 'topic')).toBe(true);
    expect(outside.map((a) => `${a.principal} ${a.name}`).sort()).toEqual([
      'connector connector.snapshots.v1',
      'connector connector.usage.v1',
      'sso-producer sso.events.v1',
    ]);
  });

  it('names topics and groups under the test prefix when one is given', () => {
    const acls = kafkaAcls('t1.');
    expect(acls.every((a) => a.name.startsWith('t1.'))).toBe(true);
    expect(acls).toContainEqual({
      principal: 'provisioning-resolver',
      resource: 'group',
      name: 't1.provisioning-resolver.',
      pattern: 'prefixed',
      operation: 'READ',
    });
  });

  it('is what docs/security.md says', () => {
    expect(readFileSync(join(root, 'docs/security.md'), 'utf8')).toBe(securityDocument());
  });
});
