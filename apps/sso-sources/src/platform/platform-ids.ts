import { v5 as uuidV5 } from 'uuid';

// Ids of what the platforms send, made into the contract's: the same platform event always
// gives the same event id (a replayed poll changes nothing, R-idempotence of SPEC §4).
const NAMESPACE = '6f1c6a57-5ad8-4a0a-9d3b-4f3c2c1a9e10';

export const loginEventId = (platform: string, ssoConnectionId: string, platformEventId: string): string =>
  uuidV5(`${platform}:${ssoConnectionId}:${platformEventId}`, NAMESPACE);

/**
 * An app's key (SPEC §2: `salesforce`, `zoom`) from the name the platform gives it: lower case,
 * runs of other characters as one `-`. A name with no letter or digit keys by the platform's id.
 */
export function appKeyOf(appName: string, ssoAppId: string): string {
  const key = appName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 64)
    .replace(/[-._]+$/, '');
  return (
    key ||
    `app-${
      ssoAppId
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')
        .slice(0, 60) || 'unnamed'
    }`
  );
}
