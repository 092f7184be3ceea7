import type { LoginInput } from '@org/connector-sdk';

/** What an adapter gets of a source: its settings and opened secret, never stored anywhere else. */
export interface SourceAccess {
  ssoConnectionId: string;
  settings: Record<string, unknown>;
  secret: string;
  /** Where a source without a checkpoint starts. */
  firstPollSince: Date;
  /** One request gives up after this long. */
  timeoutMs: number;
}

/** A login as the contract wants it, with an event id derived from the platform's own. */
export type PulledLogin = LoginInput & { eventId: string };

/** One page of logins, and the checkpoint that resumes after it once they are acknowledged. */
export interface LoginPage {
  logins: PulledLogin[];
  checkpoint: Record<string, unknown>;
  /** The platform's time of the newest event read so far (lag and lastEventAt). */
  newestAt: Date | null;
}

export interface AssignedUser {
  userId: string;
  email: string;
}

/** An adapter of SPEC §8's table: one per platform, through the platform's official SDK. */
export interface Platform {
  /** Pages of logins after `checkpoint` (null: from `firstPollSince`), each with its own checkpoint. */
  logins(source: SourceAccess, checkpoint: Record<string, unknown> | null): AsyncIterable<LoginPage>;
  /**
   * The users assigned to an app now; null when the platform no longer has the app (its list is
   * not sent: an empty one would orphan every seat). Absent when the platform has no lists
   * (Google: R1 estimates).
   */
  assignments?(source: SourceAccess, app: { ssoAppId: string }): Promise<AssignedUser[] | null>;
}

/** The platform asked us to wait (429): the source pauses until then, other sources go on. */
export class RateLimited extends Error {
  constructor(
    readonly until: Date,
    platform: string,
  ) {
    super(`${platform} rate limit: no request before ${until.toISOString()}`);
  }
}

/** The platform refused the credentials (401, 403): the source fails until its secret or rights change. */
export class CredentialsRefused extends Error {}

/**
 * A platform's failed answer as the poll's error, the same for every adapter: 429 → wait
 * until `retryAt` (a minute when the platform said nothing), refused credentials (401, 403, or
 * what the adapter counts as such) → CredentialsRefused, anything else → an Error with it as cause.
 */
export function refusal(
  platform: string,
  answer: { status?: number; retryAt?: Date | null; credentials: string; refused?: boolean; reason: string },
  cause: unknown,
): Error {
  if (cause instanceof RateLimited || cause instanceof CredentialsRefused) return cause;
  if (answer.status === 429) return new RateLimited(answer.retryAt ?? new Date(Date.now() + 60_000), platform);
  if (answer.refused || answer.status === 401 || answer.status === 403)
    return new CredentialsRefused(`${platform} refused ${answer.credentials} (${answer.status}): ${answer.reason}`);
  return new Error(`${platform} answered ${answer.status ?? 'nothing'}: ${answer.reason}`, { cause });
}

/** `Retry-After` (seconds or an HTTP date) as an instant; null when absent or unreadable. */
export function retryAfter(value: string | null | undefined, now = Date.now()): Date | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return new Date(now + Math.max(0, seconds) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : new Date(date);
}
