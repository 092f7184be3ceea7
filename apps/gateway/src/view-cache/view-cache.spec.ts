import { ViewCache } from './view-cache';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const url = (id: string, q = '') => `/v1/instances/${id}/provisioning${q}`;
const answer = (body: string, status = 200) => ({ status, contentType: 'application/json', body: Buffer.from(body) });

function cache(maxBytes = 1_000, ttlMs = 1_000) {
  let now = 0;
  const c = new ViewCache(maxBytes, ttlMs, () => now);
  c.markLive(10_000);
  return { c, advance: (ms: number) => (now += ms) };
}

describe('the gateway view cache', () => {
  it('caches only GETs of an instance’s data', () => {
    const { c } = cache();
    expect(c.instanceOf('GET', url(A, '?from=2026-01-01'))).toBe(A);
    expect(c.instanceOf('GET', `/v1/instances/${A}`)).toBe(A);
    expect(c.instanceOf('POST', url(A))).toBeNull();
    expect(c.instanceOf('GET', '/v1/connections')).toBeNull();
    expect(c.instanceOf('GET', '/v1/instances/not-an-id/provisioning')).toBeNull();
    expect(c.instanceOf('GET', `/v1/instances/${A}/estimate-accuracy?from=2026-01-01`)).toBe(A);
    expect(c.instanceOf('GET', `/v1/instances/${A}/reclamation`)).toBeNull();
    expect(c.instanceOf('GET', `/v1/instances/${A}/reclamation-settings`)).toBeNull();
    expect(new ViewCache(0, 1_000).instanceOf('GET', url(A))).toBeNull();
  });

  it('answers from the cache per tenant and URL', () => {
    const { c } = cache();
    c.store('t1', url(A), A, c.versionOf(A), answer('a'));
    expect(String(c.get('t1', url(A))?.body)).toBe('a');
    expect(c.get('t2', url(A))).toBeNull();
    expect(c.get('t1', url(A, '?from=2026-01-01'))).toBeNull();
  });

  it('drops an instance’s answers when its view changes, and not the others', () => {
    const { c } = cache();
    c.store('t1', url(A), A, c.versionOf(A), answer('a'));
    c.store('t1', url(B), B, c.versionOf(B), answer('b'));
    c.invalidate(A.toUpperCase());
    expect(c.get('t1', url(A))).toBeNull();
    expect(String(c.get('t1', url(B))?.body)).toBe('b');
  });

  it('does not keep an answer fetched before a change that arrived while it was in flight', () => {
    const { c } = cache();
    const version = c.versionOf(A);
    c.invalidate(A);
    c.store('t1', url(A), A, version, answer('stale'));
    expect(c.get('t1', url(A))).toBeNull();
    const afterClear = c.versionOf(B);
    c.clear();
    c.store('t1', url(B), B, afterClear, answer('stale'));
    expect(c.get('t1', url(B))).toBeNull();
  });

  it('keeps no errors, and nothing beyond its time to live', () => {
    const { c, advance } = cache();
    c.store('t1', url(A), A, c.versionOf(A), answer('{"error":{}}', 404));
    expect(c.get('t1', url(A))).toBeNull();
    c.store('t1', url(A), A, c.versionOf(A), answer('a'));
    advance(1_000);
    expect(c.get('t1', url(A))).toBeNull();
  });

  it('serves nothing while the invalidation feed is not live', () => {
    const { c, advance } = cache();
    c.store('t1', url(A), A, c.versionOf(A), answer('a'));
    advance(10_000);
    expect(c.get('t1', url(A))).toBeNull();
    c.markLive(10_000);
    c.store('t1', url(A), A, c.versionOf(A), answer('a'));
    c.pause();
    c.markLive(10_000);
    expect(c.get('t1', url(A))).toBeNull();
  });

  it('evicts the least recently used answers beyond its size', () => {
    const { c } = cache(300);
    for (const q of ['?1', '?2', '?3']) c.store('t1', url(A, q), A, c.versionOf(A), answer('x'.repeat(30)));
    c.get('t1', url(A, '?1'));
    for (let i = 4; i < 12; i++) c.store('t1', url(A, `?${i}`), A, c.versionOf(A), answer('x'.repeat(30)));
    expect(c.size).toBe(10);
    // ?2 was the least recently used (?1 was read after it was stored).
    expect(c.get('t1', url(A, '?2'))).toBeNull();
    expect(c.get('t1', url(A, '?1'))?.body).toHaveLength(30);
    expect(c.get('t1', url(A, '?11'))?.body).toHaveLength(30);
  });
});
