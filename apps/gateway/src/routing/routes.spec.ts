import { upstreamOf } from './routes';

const config = {
  SSO_INGEST_URL: 'http://sso',
  SSO_SOURCES_URL: 'http://sources',
  CONNECTOR_REGISTRY_URL: 'http://registry',
  PROVISIONING_RESOLVER_URL: 'http://resolver',
};

describe('upstreamOf', () => {
  it.each([
    ['/v1/sso-connections', 'http://sso'],
    ['/v1/sso-connections/abc', 'http://sso'],
    ['/v1/sso-connections/abc/source', 'http://sources'],
    ['/v1/sso-connections/abc/source/sync', 'http://sources'],
    ['/v1/applications?x=1', 'http://registry'],
    ['/v1/applications/zoom/eligibility', 'http://registry'],
    ['/v1/connections/abc/disconnect', 'http://registry'],
    ['/v1/connections/abc/delete-preview', 'http://resolver'],
    ['/v1/instances/abc/provisioning?from=2026-01-01', 'http://resolver'],
    ['/v1/instances/abc/reclamation?reason=inactive', 'http://resolver'],
    ['/v1/reclamation', 'http://resolver'],
  ])('sends %s to %s', (url, upstream) => {
    expect(upstreamOf(url, config)).toBe(upstream);
  });

  it('knows no other path', () => {
    expect(upstreamOf('/v1/sso-connectionsX', config)).toBeNull();
    expect(upstreamOf('/v1/sso-connections/abc/sources', config)).toBe('http://sso');
    expect(upstreamOf('/v1/unknown', config)).toBeNull();
    expect(upstreamOf('/v1/reclamations', config)).toBeNull();
  });
});
