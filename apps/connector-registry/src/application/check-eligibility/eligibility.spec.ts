import { eligibilityOf, refusalOf } from './eligibility';

const instance = (instanceId: string, hasNonSocialLogins: boolean, connected: boolean) => ({
  instanceId,
  hasNonSocialLogins,
  connected,
});

describe('R4–R7: who may connect, checked in the order of SPEC §3', () => {
  it('refuses without an SSO connection before anything else', () => {
    expect(refusalOf({ hasSsoConnection: false, instances: [instance('a', false, true)] }, 'a')).toBe(
      'NO_SSO_CONNECTION',
    );
  });

  it('refuses an application whose only logins are social (R2, R5)', () => {
    expect(refusalOf({ hasSsoConnection: true, instances: [instance('a', false, false)] }, 'a')).toBe(
      'NO_SSO_LOGIN_DATA',
    );
    expect(refusalOf({ hasSsoConnection: true, instances: [] }, 'a')).toBe('NO_SSO_LOGIN_DATA');
  });

  it('refuses when every instance is connected, before naming the chosen one (R6)', () => {
    const facts = { hasSsoConnection: true, instances: [instance('a', true, true), instance('b', false, true)] };
    expect(refusalOf(facts, 'a')).toBe('ALL_INSTANCES_CONNECTED');
  });

  it('refuses the chosen instance when it is connected, and lets another be (R6, R7)', () => {
    const facts = { hasSsoConnection: true, instances: [instance('a', true, true), instance('b', false, false)] };
    expect(refusalOf(facts, 'a')).toBe('INSTANCE_ALREADY_CONNECTED');
    expect(refusalOf(facts, 'b')).toBeNull();
    expect(eligibilityOf(facts)).toEqual({
      connectable: true,
      reason: null,
      instances: [
        { instanceId: 'a', connectable: false, reason: 'INSTANCE_ALREADY_CONNECTED' },
        { instanceId: 'b', connectable: true, reason: null },
      ],
    });
  });
});
