import { connectionKindSchema } from '@org/contracts';
import { z } from 'zod';
import { effectiveAtSchema } from '../effective-at';

export const connectConnectionRequest = z.strictObject({
  instanceId: z.uuid(),
  kind: connectionKindSchema,
  vendor: z.string().trim().min(1).max(200),
  supportsLicenseTiers: z.boolean(),
  effectiveAt: effectiveAtSchema,
});
export type ConnectConnectionRequest = z.infer<typeof connectConnectionRequest>;
