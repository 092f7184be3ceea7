import {
  activityKey,
  connectorEventKey,
  estimateKey,
  instanceIdOf,
  instanceKey,
  ssoConnectionKey,
  ssoEventKey,
} from './keys';
import { allTopicSpecs, TOPICS } from './topics';

describe('keys and ids', () => {
  it('keys SSO events by tenant, SSO connection and app (SPEC §4)', () => {
    expect(ssoEventKey('t1', 'c1', 'a1')).toBe('t1:c1:a1');
  });

  it('keys connector events by connection, and the state topics by what they replace (SPEC §4)', () => {
    expect(connectorEventKey('t1', 'k1')).toBe('t1:k1');
    expect(ssoConnectionKey('t1', 'c1')).toBe('t1:c1');
    expect(instanceKey('t1', 'i1')).toBe('t1:i1');
    expect(estimateKey('t1', 'i1', 'u1')).toBe('t1:i1:u1');
    expect(activityKey('t1', 'i1', '2026-11-30')).toBe('t1:i1:2026-11-30');
  });

  it('derives the same instance id from the same facts, and another from other facts', () => {
    const id = instanceIdOf('t1', 'c1', 'app');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(instanceIdOf('t1', 'c1', 'app')).toBe(id);
    expect(instanceIdOf('t2', 'c1', 'app')).not.toBe(id);
    expect(instanceIdOf('t1', 'c1a', 'pp')).not.toBe(instanceIdOf('t1', 'c1', 'app'));
  });
});

describe('topics', () => {
  it('has a DLQ for every topic and compacts the state topics', () => {
    const specs = allTopicSpecs();
    expect(specs).toHaveLength(22);
    const compacted = specs.filter((s) => s.compacted).map((s) => s.topic);
    expect(compacted.sort()).toEqual(
      [TOPICS.ssoActivity, TOPICS.ssoEstimates, TOPICS.ssoInstances, TOPICS.ssoUserActivity, TOPICS.tenants].sort(),
    );
    expect(specs.map((s) => s.topic)).toContain('sso.events.v1.dlq');
  });
});
