import type { SsoSource } from './sso-source.entity';

/** A source as the API shows it (SPEC §8): its settings and state, never its secret. */
export const sourceView = (s: SsoSource) => ({
  platform: s.platform,
  settings: s.settings,
  state: s.state,
  lastPolledAt: s.lastPolledAt?.toISOString() ?? null,
  lastEventAt: s.lastEventAt?.toISOString() ?? null,
  eventsPulled: s.eventsPulled,
  lastError: s.lastError,
  nextPollAt: s.nextPollAt.toISOString(),
});
