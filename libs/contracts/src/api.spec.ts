import { openApiDocument } from './api';

// Every call of SPEC §5 (and §8's sources), by method and path.
const SPEC_CALLS = [
  'post /v1/tenants',
  'get /v1/tenant',
  'patch /v1/tenant',
  'post /v1/sso-connections',
  'get /v1/sso-connections',
  'delete /v1/sso-connections/{id}',
  'put /v1/sso-connections/{id}/source',
  'get /v1/sso-connections/{id}/source',
  'post /v1/sso-connections/{id}/source/sync',
  'delete /v1/sso-connections/{id}/source',
  'get /v1/applications',
  'get /v1/applications/{appKey}/eligibility',
  'post /v1/connections',
  'get /v1/connections',
  'get /v1/connections/{id}',
  'post /v1/connections/{id}/disconnect',
  'post /v1/connections/{id}/reconnect',
  'get /v1/connections/{id}/delete-preview',
  'delete /v1/connections/{id}',
  'get /v1/instances/{id}/provisioning',
  'get /v1/instances/{id}/provisioning/{day}/users',
  'get /v1/instances/{id}/estimate-accuracy',
  'get /v1/instances/{id}/reclamation-settings',
  'put /v1/instances/{id}/reclamation-settings',
  'get /v1/instances/{id}/reclamation',
  'get /v1/reclamation',
  'get /v1/tenant/keys',
  'post /v1/tenant/keys',
  'delete /v1/tenant/keys/{id}',
  'get /v1/audit',
];

describe('the OpenAPI document of SPEC §5', () => {
  const doc = openApiDocument();

  it('describes every call of the SPEC, and no other', () => {
    const calls = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(calls.sort()).toEqual([...SPEC_CALLS].sort());
  });

  it('gives each call its request and answer schemas, and the error body', () => {
    const connect = doc.paths['/v1/connections'].post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
      responses: Record<string, { description: string }>;
    };
    expect(connect.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['instanceId', 'kind', 'vendor', 'supportsLicenseTiers']),
    );
    expect(connect.responses['409'].description).toContain('INSTANCE_ALREADY_CONNECTED');
    const view = doc.paths['/v1/instances/{id}/provisioning'].get as {
      parameters: Array<{ name: string; in: string }>;
      responses: Record<string, unknown>;
    };
    expect(view.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:from', 'query:to']);
    expect(JSON.stringify(view.responses['200'])).toContain('awaitingFirstSync');
  });
});
