import { emailSchema, idSchema } from '@org/contracts';
import { createHash } from 'node:crypto';

// A SCIM 2.0 User (RFC 7643 §4.1) as far as a snapshot needs it, and how it becomes one.

export interface ScimUser {
  id?: unknown;
  userName?: unknown;
  active?: unknown;
  emails?: unknown;
  [attribute: string]: unknown;
}

export interface SnapshotUser {
  userId: string;
  email: string;
  tier: string | null;
  status: string;
}

/**
 * The snapshot user of a SCIM user, or the reason it cannot be one. `active` false is
 * `inactive` (holds no seat, R13); a user without `active` is active (RFC 7643 leaves it
 * optional and servers that omit it do not deactivate). The e-mail is the primary one, else
 * the first, else a userName that is an e-mail address.
 */
export function snapshotUserOf(user: ScimUser, tierAttribute: string): SnapshotUser | { skipped: string } {
  if (typeof user.id !== 'string' || !user.id) return { skipped: 'no id' };
  const email = emailOf(user);
  if (!email) return { skipped: `user ${user.id} has no e-mail address` };
  return {
    userId: keySafeId(user.id),
    email,
    tier: tierOf(user, tierAttribute),
    status: user.active === false ? 'inactive' : 'active',
  };
}

/** SCIM ids may hold any character; ids in message keys may not hold ':', spaces or controls. */
export function keySafeId(id: string): string {
  return idSchema.safeParse(id).success ? id : `scim-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

function emailOf(user: ScimUser): string | null {
  const emails = Array.isArray(user.emails) ? (user.emails as Array<{ value?: unknown; primary?: unknown }>) : [];
  const chosen = emails.find((e) => e?.primary === true) ?? emails[0];
  const value = typeof chosen?.value === 'string' ? chosen.value : user.userName;
  return typeof value === 'string' && emailSchema.safeParse(value.trim()).success ? value.trim() : null;
}

/**
 * The license tier: the value at `attribute`, which is
 *   - a plain or dotted attribute: `title`, `name.familyName`;
 *   - a multi-valued one: `roles`, `entitlements` (the primary value, else the first);
 *   - a filtered one: `roles[type eq "license"].value`;
 *   - an extension attribute by its full URN: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`.
 * Null when the user has none.
 */
export function tierOf(user: ScimUser, attribute: string): string | null {
  let source: unknown = user;
  let path = attribute;
  const urn = /^(urn:.+):([^:]+)$/.exec(attribute);
  if (urn) {
    source = user[urn[1]];
    path = urn[2];
  }
  const filter = /^([^.[\]]+)\[(\w+) eq "([^"]*)"\](?:\.(\w+))?$/.exec(path);
  if (filter) {
    const [, name, key, expected, field = 'value'] = filter;
    const values = attributeOf(source, name);
    const match = Array.isArray(values)
      ? values.find((v) => String((v as Record<string, unknown>)?.[key]) === expected)
      : undefined;
    return text((match as Record<string, unknown> | undefined)?.[field]);
  }
  let value: unknown = source;
  for (const part of path.split('.')) value = attributeOf(pickOne(value), part);
  return text(pickOne(value));
}

/** Attribute names are case-insensitive in SCIM (RFC 7643 §2.1). */
function attributeOf(value: unknown, name: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

/** Of a multi-valued attribute, the primary value, else the first. */
function pickOne(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.find((v) => (v as { primary?: unknown })?.primary === true) ?? value[0];
}

function text(value: unknown): string | null {
  if (value && typeof value === 'object' && 'value' in value) value = (value as { value: unknown }).value;
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string' || !value.trim()) return null;
  return value.trim().slice(0, 200);
}
