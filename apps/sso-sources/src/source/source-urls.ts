import { ValidationError } from '@org/errors';
import { isIP } from 'node:net';

/** The settings that are URLs this service will call, per platform. */
const URL_SETTINGS = ['orgUrl', 'authorityUrl', 'graphUrl', 'tokenUrl', 'apiUrl'];

/**
 * A source makes this service call the URLs in its settings, so a tenant must not point them
 * inside our network: https only, and no loopback, private or link-local address, unless
 * SSO_SOURCES_ALLOW_PRIVATE_URLS (tests, a local mock). Names are checked as written; a
 * public name that resolves to a private address is the network's egress rules' job.
 */
export function checkSourceUrls(settings: Record<string, unknown>, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const problems = URL_SETTINGS.filter((k) => typeof settings[k] === 'string')
    .map((field) => ({ field: `settings.${field}`, url: new URL(settings[field] as string) }))
    .filter(({ url }) => url.protocol !== 'https:' || isPrivateHost(url.hostname))
    .map(({ field }) => ({ field, message: 'must be an https:// URL of a public host' }));
  if (problems.length) throw new ValidationError('a source may only call public https:// URLs', problems);
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local'))
    return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(host) === 6)
    return (
      host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:')
    );
  return false;
}
