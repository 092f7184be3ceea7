import { z } from 'zod';
import { daySchema, eventSchema, uuidSchema } from '../envelope';

export const viewDaysChangedSchema = eventSchema(
  'view.days.changed',
  z.object({ instanceId: uuidSchema, from: daySchema, to: daySchema, generation: z.int().min(1) }),
);

const rebuild = z.object({
  instanceId: uuidSchema,
  /** The deleted connection whose data the rebuild removes; null when the time zone changed. */
  connectionId: uuidSchema.nullable(),
  reason: z.enum(['connection_deleted', 'time_zone_changed']),
  /** The generation being built; readers see the one before it until `view.rebuild.finished`. */
  generation: z.int().min(1),
  progress: z.number().min(0).max(1),
});

export const viewRebuildStartedSchema = eventSchema('view.rebuild.started', rebuild);
export const viewRebuildProgressedSchema = eventSchema('view.rebuild.progressed', rebuild);
export const viewRebuildFinishedSchema = eventSchema('view.rebuild.finished', rebuild);

export const resolverViewEventSchema = z.discriminatedUnion('type', [
  viewDaysChangedSchema,
  viewRebuildStartedSchema,
  viewRebuildProgressedSchema,
  viewRebuildFinishedSchema,
]);
export type ResolverViewEvent = z.infer<typeof resolverViewEventSchema>;
