import { z } from 'zod';
import { eventSchema, isoTimeSchema, uuidSchema } from '../envelope';

export const connectionKindSchema = z.enum(['provisioning', 'engagement']);
export type ConnectionKind = z.infer<typeof connectionKindSchema>;
export const connectionStatusSchema = z.enum(['connected', 'disconnected', 'deleted']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const periodSchema = z.object({ from: isoTimeSchema, to: isoTimeSchema.nullable() });
export type Period = z.infer<typeof periodSchema>;

/** The whole connection after the change, so a consumer never needs earlier events to know it. */
const connectionState = z.object({
  connectionId: uuidSchema,
  instanceId: uuidSchema,
  appKey: z.string(),
  kind: connectionKindSchema,
  vendor: z.string(),
  supportsLicenseTiers: z.boolean(),
  status: connectionStatusSchema,
  effectiveAt: isoTimeSchema,
  periods: z.array(periodSchema),
});

export const connectionConnectedSchema = eventSchema('connection.connected', connectionState);
export const connectionDisconnectedSchema = eventSchema('connection.disconnected', connectionState);
export const connectionReconnectedSchema = eventSchema('connection.reconnected', connectionState);
export const connectionDeletedSchema = eventSchema('connection.deleted', connectionState);

export const registryConnectionEventSchema = z.discriminatedUnion('type', [
  connectionConnectedSchema,
  connectionDisconnectedSchema,
  connectionReconnectedSchema,
  connectionDeletedSchema,
]);
export type RegistryConnectionEvent = z.infer<typeof registryConnectionEventSchema>;
