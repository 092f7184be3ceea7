/**
 * R19: what reclaimable seats cost a month. A seat's price is its tier's, else the default;
 * a reclaimable seat without either is counted in `unpricedSeats`, never as zero money.
 */
export interface Prices {
  currency: string;
  defaultMonthlyPrice: number | null;
  tierMonthlyPrices: Record<string, number>;
}

export const priceOf = (tier: string | null, prices: Prices): number | null =>
  tier !== null && Object.hasOwn(prices.tierMonthlyPrices, tier)
    ? prices.tierMonthlyPrices[tier]
    : prices.defaultMonthlyPrice;

export interface TierWaste {
  tier: string | null;
  provisioned: number;
  reclaimable: number;
  monthlyPrice: number | null;
  monthlyWaste: number;
}

/**
 * Sums in ten-thousandths of the currency's unit, so 0.1 + 0.2 is 0.3: prices are given with
 * at most four decimals in practice, and money must add up exactly.
 */
const UNIT = 10_000;
const toUnits = (amount: number) => Math.round(amount * UNIT);
const fromUnits = (units: number) => units / UNIT;

/** Per tier (null: seats without a tier), ordered by waste, then tier; with the totals. */
export function wasteByTier(
  tiers: Iterable<{ tier: string | null; provisioned: number; reclaimable: number }>,
  prices: Prices,
): { byTier: TierWaste[]; monthlyWaste: number; unpricedSeats: number } {
  let total = 0;
  let unpricedSeats = 0;
  const byTier = [...tiers].map(({ tier, provisioned, reclaimable }) => {
    const monthlyPrice = priceOf(tier, prices);
    const units = monthlyPrice === null ? 0 : toUnits(monthlyPrice) * reclaimable;
    if (monthlyPrice === null) unpricedSeats += reclaimable;
    total += units;
    return { tier, provisioned, reclaimable, monthlyPrice, monthlyWaste: fromUnits(units) };
  });
  byTier.sort((a, b) => b.monthlyWaste - a.monthlyWaste || (a.tier ?? '').localeCompare(b.tier ?? ''));
  return { byTier, monthlyWaste: fromUnits(total), unpricedSeats };
}

/** Tenant totals per currency (R19): money in different currencies is never added up. */
export function totalsByCurrency(
  instances: Iterable<{ currency: string; monthlyWaste: number; reclaimable: number; unpricedSeats: number }>,
): Array<{ currency: string; monthlyWaste: number; reclaimable: number; unpricedSeats: number }> {
  const totals = new Map<string, { units: number; reclaimable: number; unpricedSeats: number }>();
  for (const i of instances) {
    const t = totals.get(i.currency) ?? { units: 0, reclaimable: 0, unpricedSeats: 0 };
    t.units += toUnits(i.monthlyWaste);
    t.reclaimable += i.reclaimable;
    t.unpricedSeats += i.unpricedSeats;
    totals.set(i.currency, t);
  }
  return [...totals]
    .map(([currency, t]) => ({
      currency,
      monthlyWaste: fromUnits(t.units),
      reclaimable: t.reclaimable,
      unpricedSeats: t.unpricedSeats,
    }))
    .sort((a, b) => b.monthlyWaste - a.monthlyWaste || a.currency.localeCompare(b.currency));
}
