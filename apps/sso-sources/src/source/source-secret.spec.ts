import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from './source-secret';

describe('a source secret at rest', () => {
  const key = randomBytes(32);

  it('opens with the key and the connection it was sealed for, and never shows the secret', () => {
    const sealed = sealSecret('00aB-okta-token', key, 'conn-1');
    expect(sealed).not.toContain('okta');
    expect(openSecret(sealed, key, 'conn-1')).toBe('00aB-okta-token');
    // A fresh IV each time: the same secret seals differently.
    expect(sealSecret('00aB-okta-token', key, 'conn-1')).not.toBe(sealed);
  });

  it('does not open with another key, for another connection, or tampered with', () => {
    const sealed = sealSecret('secret', key, 'conn-1');
    expect(() => openSecret(sealed, randomBytes(32), 'conn-1')).toThrow();
    expect(() => openSecret(sealed, key, 'conn-2')).toThrow();
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => openSecret([v, iv, tag, flipped.toString('base64url')].join('.'), key, 'conn-1')).toThrow();
  });
});
