// What the API's codes mean, in words a person deciding what to connect can act on (R7).
const REASONS: Record<string, string> = {
  NO_SSO_CONNECTION:
    'No SSO platform is connected to this organisation yet, so there is no SSO instance to attach a connector to.',
  NO_SSO_LOGIN_DATA:
    'This app has only social logins (Google, Apple, Facebook or GitHub sign-in) and no SSO login data, so it cannot be connected.',
  ALL_INSTANCES_CONNECTED: 'Every SSO instance of this app already has a connection.',
  INSTANCE_ALREADY_CONNECTED: 'This instance already has a connection; delete it before connecting another.',
  CONNECTION_STILL_CONNECTED: 'Only a disconnected connection can be deleted: disconnect it first.',
  INVALID_TRANSITION: 'The connection is not in a state that allows this change.',
  EFFECTIVE_AT_INVALID:
    'The effective time may not lie in the future nor before the instance’s latest connection change.',
  UNAUTHENTICATED: 'That key is not valid. Use the tenant key shown when the tenant was created.',
  FORBIDDEN: 'This key may only read: changes need an admin key.',
  LAST_ADMIN_KEY: 'This is the last admin key of the organisation: make another admin key before revoking it.',
  RATE_LIMITED: 'Too many calls with this key just now: wait a moment and try again.',
};

export function reasonInWords(code: string | null, fallback?: string): string {
  if (!code) return fallback ?? '';
  return REASONS[code] ?? fallback ?? code;
}

const RECLAIM_REASONS: Record<string, string> = {
  orphaned: 'not assigned in the SSO platform any more',
  never_used: 'never used',
  inactive: 'inactive',
};

/** R18's reasons, as the panel shows them. */
export const reclaimReasonInWords = (reason: string) => RECLAIM_REASONS[reason] ?? reason;

export const sourceInWords = (source: string) => (source === 'connector' ? 'connector' : 'SSO estimate');
