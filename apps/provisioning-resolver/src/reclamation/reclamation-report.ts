import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReclaimReason } from '@org/contracts';
import { dayOf, dayToIso } from '@org/days';
import { NotFoundError } from '@org/errors';
import { InstanceFact } from '../fact/instance-fact.entity';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { dayOfInstances } from '../view/read-view';
import { NO_RECLAMATION_SETTINGS, ReclamationSettings } from './reclamation-settings.entity';
import { type ReclaimableSeat, seatsOfToday, type SeatsWanted, type TierSeats } from './seats-of-today';
import { type TierWaste, wasteByTier } from './waste';

/**
 * A reclaimable seat as the API shows it (the report's items, the CSV's rows). Formatted only
 * for what leaves, one by one as a CSV stream asks.
 */
export const shownSeat = (seat: ReclaimableSeat) => ({
  userId: seat.userId,
  email: seat.email,
  tier: seat.tier,
  reason: seat.reason,
  lastActiveAt: seat.lastActiveAt === null ? null : new Date(seat.lastActiveAt).toISOString(),
  provisionedSince: dayToIso(seat.provisionedSince),
  daysInactive: seat.daysInactive,
});

/** The report of SPEC §5, with the reclaimable seats asked for (a page, or all of them for the CSV). */
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
export async function reclamationOf(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  wanted: Omit<SeatsWanted, 'instanceId'>,
): Promise<Reclamation> {
  const instance = await instanceOf(em, tenantId, instanceId);
  const [report] = await reclamationsOf(em, tenantId, [instance], { ...wanted, instanceId });
  return report;
}

/** The reports of several instances of a tenant, with one read of each kind of fact for them all. */
export async function reclamationsOf(
  em: EntityManager,
  tenantId: string,
  instances: Array<Pick<InstanceFact, 'instanceId' | 'firstAssignmentListAt'>>,
  wanted: SeatsWanted | null = null,
): Promise<Reclamation[]> {
  if (!instances.length) return [];
  const ids = instances.map((i) => i.instanceId);
  const tenant = await em.findOne(TenantSettings, { tenantId }, { disableIdentityMap: true });
  const timeZone = tenant?.timeZone ?? 'UTC';
  const own = await em.find(ReclamationSettings, { tenantId, instanceId: { $in: ids } }, { disableIdentityMap: true });
  const settingsOf = new Map(own.map((s) => [s.instanceId, s]));
  const settings = (instanceId: string) => settingsOf.get(instanceId) ?? NO_RECLAMATION_SETTINGS;
  const inactiveAfterDays = (instanceId: string) =>
    settings(instanceId).inactiveAfterDays ?? tenant?.inactiveAfterDays ?? 60;
  const now = Date.now();
  const today = dayOf(now, timeZone);
  const days = await dayOfInstances(em, tenantId, ids, today);
  const { counts, seats } = await seatsOfToday(
    em,
    tenantId,
    timeZone,
    today,
    instances.map((i) => ({
      instanceId: i.instanceId,
      today: days.get(i.instanceId)!,
      hasAssignmentLists: i.firstAssignmentListAt !== null && i.firstAssignmentListAt.getTime() <= now,
      inactiveAfterDays: inactiveAfterDays(i.instanceId),
      exemptEmails: settings(i.instanceId).exemptEmails,
    })),
    wanted,
  );
  const tiersOf = new Map<string, TierSeats[]>(ids.map((id) => [id, []]));
  for (const tier of counts) tiersOf.get(tier.instanceId)!.push(tier);
  return instances.map(({ instanceId }) => {
    const tiers = tiersOf.get(instanceId)!;
    const sum = (count: (t: TierSeats) => number) => tiers.reduce((n, t) => n + count(t), 0);
    return {
      instanceId,
      asOf: dayToIso(today),
      source: days.get(instanceId)!.source,
      inactiveAfterDays: inactiveAfterDays(instanceId),
      currency: settings(instanceId).currency,
      seats: {
        provisioned: sum((t) => t.provisioned),
        active: sum((t) => t.active),
        reclaimable: sum((t) => t.reclaimable),
        byReason: {
          orphaned: sum((t) => t.orphaned),
          never_used: sum((t) => t.never_used),
          inactive: sum((t) => t.inactive),
        },
      },
      ...wasteByTier(tiers, settings(instanceId)),
      reclaimable: wanted?.instanceId === instanceId ? seats : [],
    };
  });
}
