import { z } from 'zod';

export const registerSsoConnectionRequest = z.strictObject({
  platform: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(200),
});
export type RegisterSsoConnectionRequest = z.infer<typeof registerSsoConnectionRequest>;
