import { appKeyOf, loginEventId } from './platform-ids';

describe('ids of what the platforms send', () => {
  it('gives a platform event the same event id every time, and another one to another event', () => {
    const id = loginEventId('okta', 'c1', 'evt-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(loginEventId('okta', 'c1', 'evt-1')).toBe(id);
    expect(loginEventId('okta', 'c2', 'evt-1')).not.toBe(id);
    expect(loginEventId('entra', 'c1', 'evt-1')).not.toBe(id);
  });

  it('keys an app by its name as the catalog does', () => {
    expect(appKeyOf('Salesforce', '0oa1')).toBe('salesforce');
    expect(appKeyOf('Google Workspace', 'x')).toBe('google-workspace');
    expect(appKeyOf('  Zoom (SSO) ', 'x')).toBe('zoom-sso');
    expect(appKeyOf('Atlassian Cloud – Jira', 'x')).toBe('atlassian-cloud-jira');
    expect(appKeyOf('Café', 'x')).toBe('cafe');
    expect(appKeyOf('日本', '0oa1AbC')).toBe('app-0oa1abc');
    expect(appKeyOf('x'.repeat(80), 'y')).toHaveLength(64);
  });
});
