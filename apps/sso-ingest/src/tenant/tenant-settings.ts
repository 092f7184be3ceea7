import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';

export interface Settings {
  timeZone: string;
  windowDays: number;
}

/** SPEC defaults, for a tenant whose settings have not arrived yet. */
export const DEFAULT_SETTINGS: Settings = { timeZone: 'UTC', windowDays: 120 };

export async function settingsOf(em: EntityManager, tenantIds: string[]): Promise<Map<string, Settings>> {
  const rows = await query<{ tenant_id: string; time_zone: string; estimate_window_days: number }>(
    em,
    'select tenant_id, time_zone, estimate_window_days from tenant_settings where tenant_id = any(?::text[])',
    [[...new Set(tenantIds)]],
  );
  const found = new Map(rows.map((r) => [r.tenant_id, { timeZone: r.time_zone, windowDays: r.estimate_window_days }]));
  return new Map(tenantIds.map((t) => [t, found.get(t) ?? DEFAULT_SETTINGS]));
}
