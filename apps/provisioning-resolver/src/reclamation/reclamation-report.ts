import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReclaimReason } from '@org/contracts';
import { dayOf, dayToIso } from '@org/days';
import { NotFoundError } from '@org/errors';
import { InstanceFact } from '../fact/instance-fact.entity';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { dayOfInstances } from '../view/read-view';
import { daysInactive, isActive, personOf, reasonOf, type ReclaimRule, type Seat } from './reclaimable';
import { NO_RECLAMATION_SETTINGS, ReclamationSettings } from './reclamation-settings.entity';
import { seatsOfToday } from './seats-of-today';
import { type TierWaste, wasteByTier } from './waste';

/** A reclaimable seat: the seat, its reason (R18) and its days without activity. */
export interface ReclaimableSeat {
  seat: Seat;
  reason: ReclaimReason;
  daysInactive: number | null;
}

/**
 * A reclaimable seat as the API shows it (the report's items, the CSV's rows). Formatted only
 * for what leaves: a report of 50k seats formats a page, not every seat.
 */
export const shownSeat = ({ seat, reason, daysInactive }: ReclaimableSeat) => ({
  userId: seat.userId,
  email: seat.email,
  tier: seat.tier,
  reason,
  lastActiveAt: seat.lastActiveAt === null ? null : new Date(seat.lastActiveAt).toISOString(),
  provisionedSince: dayToIso(seat.provisionedSince),
  daysInactive,
});

/** The report of SPEC §5 without its page: every reclaimable seat, by user id. */
export interface Reclamation {
  instanceId: string;
  asOf: string;
  source: 'connector' | 'sso_estimate';
  inactiveAfterDays: number;
  currency: string;
  seats: { provisioned: number; active: number; reclaimable: number; byReason: Record<ReclaimReason, number> };
  byTier: TierWaste[];
  monthlyWaste: number;
  unpricedSeats: number;
  reclaimable: ReclaimableSeat[];
}

/** The settings an instance's report is computed with: its own, else none (R18, R19). */
export async function reclamationSettingsOf(em: EntityManager, tenantId: string, instanceId: string) {
  const own = await em.findOne(ReclamationSettings, { instanceId, tenantId }, { disableIdentityMap: true });
  return own ?? { ...NO_RECLAMATION_SETTINGS, instanceId, tenantId };
}

/** An instance the tenant has (sso.instances.v1), else 404 like another tenant's. */
export async function instanceOf(em: EntityManager, tenantId: string, instanceId: string): Promise<InstanceFact> {
  const instance = await em.findOne(InstanceFact, { instanceId, tenantId }, { disableIdentityMap: true });
  if (!instance) throw new NotFoundError('instance', instanceId);
  return instance;
}

/**
 * R16–R19 for one instance, computed from the facts when asked: a login, a snapshot, a
 * lifecycle change or a setting shows in the next report (R20), and the report depends only on
 * the facts, never on the order they came in. Run it in one REPEATABLE READ transaction.
 */
export async function reclamationOf(em: EntityManager, tenantId: string, instanceId: string): Promise<Reclamation> {
  const [report] = await reclamationsOf(em, tenantId, [await instanceOf(em, tenantId, instanceId)]);
  return report;
}

/** The reports of several instances of a tenant, with one read of each kind of fact for them all. */
export async function reclamationsOf(
  em: EntityManager,
  tenantId: string,
  instances: Array<Pick<InstanceFact, 'instanceId' | 'firstAssignmentListAt'>>,
): Promise<Reclamation[]> {
  if (!instances.length) return [];
  const ids = instances.map((i) => i.instanceId);
  const tenant = await em.findOne(TenantSettings, { tenantId }, { disableIdentityMap: true });
  const timeZone = tenant?.timeZone ?? 'UTC';
  const own = await em.find(ReclamationSettings, { tenantId, instanceId: { $in: ids } }, { disableIdentityMap: true });
  const settingsOf = new Map(own.map((s) => [s.instanceId, s]));
  const now = Date.now();
  const today = dayOf(now, timeZone);
  const days = await dayOfInstances(em, tenantId, ids, today);
  const seats = await seatsOfToday(
    em,
    tenantId,
    timeZone,
    instances.map((i) => ({
      instanceId: i.instanceId,
      today: days.get(i.instanceId)!,
      hasAssignmentLists: i.firstAssignmentListAt !== null && i.firstAssignmentListAt.getTime() <= now,
    })),
  );
  return instances.map(({ instanceId }) => {
    const settings = settingsOf.get(instanceId) ?? NO_RECLAMATION_SETTINGS;
    const rule: ReclaimRule = {
      today,
      inactiveAfterDays: settings.inactiveAfterDays ?? tenant?.inactiveAfterDays ?? 60,
      exempt: new Set(settings.exemptEmails.map(personOf)),
    };
    return reportOf(instanceId, days.get(instanceId)!.source, seats.get(instanceId)!, rule, settings);
  });
}

/** The counts, money and reclaimable seats of a set of seats under a rule and prices. */
export function reportOf(
  instanceId: string,
  source: Reclamation['source'],
  seats: Seat[],
  rule: ReclaimRule,
  settings: Pick<ReclamationSettings, 'currency' | 'defaultMonthlyPrice' | 'tierMonthlyPrices'>,
): Reclamation {
  const byReason: Record<ReclaimReason, number> = { orphaned: 0, never_used: 0, inactive: 0 };
  const reclaimable: ReclaimableSeat[] = [];
  const priced: Array<{ tier: string | null; reclaimable: boolean }> = [];
  let active = 0;
  for (const seat of seats) {
    const reason = reasonOf(seat, rule);
    if (isActive(seat, rule)) active++;
    priced.push({ tier: seat.tier, reclaimable: reason !== null });
    if (reason === null) continue;
    byReason[reason]++;
    reclaimable.push({ seat, reason, daysInactive: daysInactive(seat, rule) });
  }
  reclaimable.sort((a, b) => (a.seat.userId < b.seat.userId ? -1 : a.seat.userId > b.seat.userId ? 1 : 0));
  const waste = wasteByTier(priced, settings);
  return {
    instanceId,
    asOf: dayToIso(rule.today),
    source,
    inactiveAfterDays: rule.inactiveAfterDays,
    currency: settings.currency,
    seats: { provisioned: seats.length, active, reclaimable: reclaimable.length, byReason },
    ...waste,
    reclaimable,
  };
}
