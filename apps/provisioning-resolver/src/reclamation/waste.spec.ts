import { priceOf, totalsByCurrency, wasteByTier } from './waste';

const prices = { currency: 'USD', defaultMonthlyPrice: 3, tierMonthlyPrices: { Pro: 0.1, Free: 0 } };

describe('R19: prices and waste', () => {
  it("prices a seat at its tier's price, else the default, else none", () => {
    expect(priceOf('Pro', prices)).toBe(0.1);
    expect(priceOf('Free', prices)).toBe(0); // a free tier is a price, not a missing one
    expect(priceOf('Other', prices)).toBe(3);
    expect(priceOf(null, prices)).toBe(3);
    expect(priceOf('toString', { ...prices, defaultMonthlyPrice: null })).toBeNull(); // no inherited keys
  });

  it('adds money exactly (0.1 × 3 is 0.3)', () => {
    expect(wasteByTier([{ tier: 'Pro', provisioned: 4, reclaimable: 3 }], prices).monthlyWaste).toBe(0.3);
  });

  it('prices waste per tier (the default for a tier without a price, and for seats without a tier), by waste', () => {
    const eur = { currency: 'EUR', defaultMonthlyPrice: 5, tierMonthlyPrices: { Pro: 12.1, Enterprise: 40 } };
    const waste = wasteByTier(
      [
        { tier: 'Enterprise', provisioned: 1, reclaimable: 0 },
        { tier: 'Viewer', provisioned: 1, reclaimable: 1 },
        { tier: null, provisioned: 1, reclaimable: 1 },
        { tier: 'Pro', provisioned: 3, reclaimable: 2 },
      ],
      eur,
    );
    expect(waste.byTier).toEqual([
      { tier: 'Pro', provisioned: 3, reclaimable: 2, monthlyPrice: 12.1, monthlyWaste: 24.2 },
      { tier: null, provisioned: 1, reclaimable: 1, monthlyPrice: 5, monthlyWaste: 5 },
      { tier: 'Viewer', provisioned: 1, reclaimable: 1, monthlyPrice: 5, monthlyWaste: 5 },
      { tier: 'Enterprise', provisioned: 1, reclaimable: 0, monthlyPrice: 40, monthlyWaste: 0 },
    ]);
    expect([waste.monthlyWaste, waste.unpricedSeats]).toEqual([34.2, 0]);
  });

  it('never counts a reclaimable seat without a price as zero money', () => {
    const waste = wasteByTier([{ tier: 'Pro', provisioned: 2, reclaimable: 1 }], {
      currency: 'USD',
      defaultMonthlyPrice: null,
      tierMonthlyPrices: {},
    });
    expect([waste.monthlyWaste, waste.unpricedSeats, waste.byTier[0].monthlyPrice]).toEqual([0, 1, null]);
  });

  it('gives totals per currency, never adding two currencies', () => {
    expect(
      totalsByCurrency([
        { currency: 'USD', monthlyWaste: 10.1, reclaimable: 2, unpricedSeats: 1 },
        { currency: 'EUR', monthlyWaste: 50, reclaimable: 5, unpricedSeats: 0 },
        { currency: 'USD', monthlyWaste: 0.2, reclaimable: 1, unpricedSeats: 0 },
      ]),
    ).toEqual([
      { currency: 'EUR', monthlyWaste: 50, reclaimable: 5, unpricedSeats: 0 },
      { currency: 'USD', monthlyWaste: 10.3, reclaimable: 3, unpricedSeats: 1 },
    ]);
  });
});
