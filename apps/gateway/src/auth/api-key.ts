import { createHash, randomBytes } from 'node:crypto';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A tenant key: 256 random bits, prefixed so a leaked one is recognisable in logs and scanners. */
export function newApiKey(): { key: string; hash: string } {
  const key = `pk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key) };
}
