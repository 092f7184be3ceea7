import type { EntityManager } from '@mikro-orm/postgresql';
import { TenantSettings } from './tenant-settings.entity';

export interface Settings {
  timeZone: string;
  windowDays: number;
}

/** SPEC defaults, for a tenant whose settings have not arrived yet. */
export const DEFAULT_SETTINGS: Settings = { timeZone: 'UTC', windowDays: 120 };

export async function settingsOf(em: EntityManager, tenantIds: string[]): Promise<Map<string, Settings>> {
  const rows = await em.find(TenantSettings, { tenantId: [...new Set(tenantIds)] });
  const found = new Map(rows.map((r) => [r.tenantId, { timeZone: r.timeZone, windowDays: r.estimateWindowDays }]));
  return new Map(tenantIds.map((t) => [t, found.get(t) ?? DEFAULT_SETTINGS]));
}
