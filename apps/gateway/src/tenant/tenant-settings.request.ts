import { z } from 'zod';

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z.string().refine(isTimeZone, 'not an IANA time zone');
export const estimateWindowDaysSchema = z.int().min(1).max(3650);
export const tenantNameSchema = z.string().trim().min(1).max(200);
