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
    const seats = [1, 2, 3].map(() => ({ tier: 'Pro', reclaimable: true }));
    expect(wasteByTier(seats, prices).monthlyWaste).toBe(0.3);
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
