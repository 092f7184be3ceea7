import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A source's secret at rest: AES-256-GCM (node:crypto) under SOURCES_ENCRYPTION_KEY, a fresh
 * 12-byte IV each time, the source's connection id as additional data (a sealed secret copied
 * to another source does not open). Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export function sealSecret(secret: string, key: Buffer, ssoConnectionId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ssoConnectionId));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), sealed]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The secret again; throws when the key or the connection id is not the one it was sealed with. */
export function openSecret(sealed: string, key: Buffer, ssoConnectionId: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(ssoConnectionId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
