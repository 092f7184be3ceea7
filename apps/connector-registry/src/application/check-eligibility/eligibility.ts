import type { ErrorCode } from '@org/contracts';

/** What R4–R7 look at, for one tenant and application. */
export interface EligibilityFacts {
  hasSsoConnection: boolean;
  instances: Array<{ instanceId: string; hasNonSocialLogins: boolean; connected: boolean }>;
}

export interface Eligibility {
  connectable: boolean;
  reason: ErrorCode | null;
  instances: Array<{ instanceId: string; connectable: boolean; reason: ErrorCode | null }>;
}

/**
 * R4–R7, in the order of SPEC §3: no SSO connection; no non-social login data for the
 * application (R2); every instance already holds a connection that is not deleted; the
 * chosen instance holds one. The same answer before anyone tries (GET …/eligibility) and
 * when someone does (POST /v1/connections).
 */
export function eligibilityOf(facts: EligibilityFacts): Eligibility {
  const appReason: ErrorCode | null = !facts.hasSsoConnection
    ? 'NO_SSO_CONNECTION'
    : !facts.instances.some((i) => i.hasNonSocialLogins)
      ? 'NO_SSO_LOGIN_DATA'
      : facts.instances.every((i) => i.connected)
        ? 'ALL_INSTANCES_CONNECTED'
        : null;
  return {
    connectable: appReason === null,
    reason: appReason,
    instances: facts.instances.map((i) => {
      const reason = appReason ?? (i.connected ? 'INSTANCE_ALREADY_CONNECTED' : null);
      return { instanceId: i.instanceId, connectable: reason === null, reason };
    }),
  };
}

/** Why connecting `instanceId` is refused, or null when it may be connected. */
export function refusalOf(facts: EligibilityFacts, instanceId: string): ErrorCode | null {
  const result = eligibilityOf(facts);
  return result.reason ?? result.instances.find((i) => i.instanceId === instanceId)?.reason ?? null;
}
