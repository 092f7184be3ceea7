import { keySafeId, snapshotUserOf, tierOf } from './scim-user';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  active: true,
  emails: [
    { value: 'babs@home.example', type: 'home' },
    { value: 'bjensen@example.com', type: 'work', primary: true },
  ],
  title: 'Tour Guide',
  name: { familyName: 'Jensen' },
  roles: [
    { value: 'Viewer', type: 'app' },
    { value: 'Enterprise', type: 'license', primary: true },
  ],
  entitlements: [{ value: 'Pro' }],
  [ENTERPRISE]: { costCenter: '4130', manager: { displayName: 'John Smith' } },
};

describe('a SCIM user as a snapshot user', () => {
  it('takes the primary e-mail, maps active to the status and the tier from the configured attribute', () => {
    expect(snapshotUserOf(user, 'roles')).toEqual({
      userId: user.id,
      email: 'bjensen@example.com',
      tier: 'Enterprise',
      status: 'active',
    });
    expect(snapshotUserOf({ ...user, active: false }, 'roles')).toMatchObject({ status: 'inactive' });
    // RFC 7643 makes `active` optional: absent is not deactivated.
    expect(snapshotUserOf({ ...user, active: undefined }, 'roles')).toMatchObject({ status: 'active' });
  });

  it('reads the tier from roles, entitlements, filters, dotted paths and extension URNs', () => {
    expect(tierOf(user, 'entitlements')).toBe('Pro');
    expect(tierOf(user, 'roles[type eq "app"].value')).toBe('Viewer');
    expect(tierOf(user, 'roles[type eq "license"]')).toBe('Enterprise');
    expect(tierOf(user, 'title')).toBe('Tour Guide');
    expect(tierOf(user, 'name.familyName')).toBe('Jensen');
    expect(tierOf(user, `${ENTERPRISE}:costCenter`)).toBe('4130');
    expect(tierOf(user, `${ENTERPRISE}:manager.displayName`)).toBe('John Smith');
    expect(tierOf(user, 'ROLES')).toBe('Enterprise');
    expect(tierOf(user, 'groups')).toBeNull();
    expect(tierOf(user, 'roles[type eq "none"].value')).toBeNull();
  });

  it('falls back to the first e-mail, then to a userName that is one, and skips a user with neither', () => {
    expect(snapshotUserOf({ ...user, emails: [{ value: 'a@x.test' }, { value: 'b@x.test' }] }, 'roles')).toMatchObject({
      email: 'a@x.test',
    });
    expect(snapshotUserOf({ ...user, emails: undefined }, 'roles')).toMatchObject({ email: 'bjensen@example.com' });
    expect(snapshotUserOf({ id: 'svc-1', userName: 'service-account' }, 'roles')).toEqual({
      skipped: 'user svc-1 has no e-mail address',
    });
    expect(snapshotUserOf({ userName: 'x@x.test' }, 'roles')).toEqual({ skipped: 'no id' });
  });

  it('keeps ids message keys can carry and replaces the others by a stable digest', () => {
    expect(keySafeId('00u1ab2C3d')).toBe('00u1ab2C3d');
    expect(keySafeId('CN=Babs Jensen,OU=People')).toMatch(/^scim-[0-9a-f]{40}$/);
    expect(keySafeId('a:b')).toBe(keySafeId('a:b'));
    expect(keySafeId('a:b')).not.toBe(keySafeId('a:c'));
  });
});
