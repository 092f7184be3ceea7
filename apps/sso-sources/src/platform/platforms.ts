import type { SsoSourcePlatform } from '@org/contracts';
import { entra } from './entra';
import { google } from './google';
import { okta } from './okta';
import type { Platform } from './platform';

/** SPEC §8's platforms, by the name a source gives. */
export const PLATFORMS: Record<SsoSourcePlatform, Platform> = { okta, entra, google };
