import { checkSourceUrls } from './source-urls';

describe('the URLs a source may make this service call', () => {
  const refused = (url: string) => {
    try {
      checkSourceUrls({ orgUrl: url }, false);
      return false;
    } catch {
      return true;
    }
  };

  it('takes public https URLs', () => {
    expect(refused('https://acme.okta.com')).toBe(false);
    expect(refused('https://graph.microsoft.com')).toBe(false);
    expect(refused('https://8.8.8.8/')).toBe(false);
  });

  it('refuses plain http, loopback, private and link-local hosts', () => {
    for (const url of [
      'http://acme.okta.com',
      'https://localhost:8083',
      'https://127.0.0.1',
      'https://10.1.2.3',
      'https://172.20.0.1',
      'https://192.168.1.1',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://metadata.google.internal',
    ])
      expect([url, refused(url)]).toEqual([url, true]);
  });

  it('takes anything when private URLs are allowed (tests, a local mock)', () => {
    expect(() => checkSourceUrls({ orgUrl: 'http://127.0.0.1:9999' }, true)).not.toThrow();
  });
});
