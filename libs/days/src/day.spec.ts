import { dayOf, dayToIso, isoToDay, quarterOf, quarterToMs, startOfDay } from './day';

// Expected days are written as the local calendar date, instants as UTC.
const dayIn = (timeZone: string) => (at: string | number) =>
  dayToIso(dayOf(typeof at === 'string' ? Date.parse(at) : at, timeZone));

describe('isoToDay and dayToIso', () => {
  it('count days since 1970-01-01, before it too', () => {
    expect(['1970-01-01', '1969-12-31', '2000-02-29', '2026-03-29'].map(isoToDay)).toEqual([0, -1, 11016, 20541]);
    expect([0, -1, 11016, 20541].map(dayToIso)).toEqual(['1970-01-01', '1969-12-31', '2000-02-29', '2026-03-29']);
  });

  it('take the date of a timestamp as written, whatever its time and offset', () => {
    expect(isoToDay('2026-03-29T23:30:00-05:00')).toBe(isoToDay('2026-03-29'));
  });
});

describe('dayOf', () => {
  // Local midnights as UTC instants: the day turns there, and not a millisecond earlier.
  it.each<[string, string, Record<string, string>]>([
    ['UTC', 'any day', { '2026-03-30': '2026-03-30T00:00Z' }],
    ['Europe/Berlin', 'March (23 h)', { '2026-03-29': '2026-03-28T23:00Z', '2026-03-30': '2026-03-29T22:00Z' }],
    ['Europe/Berlin', 'October (25 h)', { '2026-10-25': '2026-10-24T22:00Z', '2026-10-26': '2026-10-25T23:00Z' }],
    ['America/New_York', 'March', { '2026-03-08': '2026-03-08T05:00Z', '2026-03-09': '2026-03-09T04:00Z' }],
    ['America/New_York', 'November', { '2026-11-01': '2026-11-01T04:00Z', '2026-11-02': '2026-11-02T05:00Z' }],
    ['Australia/Lord_Howe', 'April (24.5 h)', { '2026-04-05': '2026-04-04T13:00Z', '2026-04-06': '2026-04-05T13:30Z' }],
    [
      'Australia/Lord_Howe',
      'October (23.5 h)',
      { '2026-10-04': '2026-10-03T13:30Z', '2026-10-05': '2026-10-04T13:00Z' },
    ],
    ['Pacific/Kiritimati', 'UTC+14', { '2026-01-02': '2026-01-01T10:00Z' }],
    ['Pacific/Chatham', 'UTC+13:45', { '2026-01-02': '2026-01-01T10:15Z' }],
  ])('turns the day in %s, %s, at local midnight', (zone, _, midnights) => {
    const days = Object.values(midnights).map((iso) => [dayIn(zone)(Date.parse(iso) - 1), dayIn(zone)(iso)]);
    expect(days).toEqual(Object.keys(midnights).map((day) => [dayToIso(isoToDay(day) - 1), day]));
  });

  it('keeps both 01:30s of New York’s repeated hour on one day', () => {
    expect([dayIn('America/New_York')('2026-11-01T05:30Z'), dayIn('America/New_York')('2026-11-01T06:30Z')]).toEqual([
      '2026-11-01',
      '2026-11-01',
    ]);
  });

  it('places the half hour after Lord Howe’s clocks moved at 15:30 UTC (02:00 became 02:30) on its day', () => {
    expect(dayIn('Australia/Lord_Howe')('2026-10-03T15:45Z')).toBe('2026-10-04');
  });

  it('gives three days at one instant, from UTC+14 to UTC−11', () => {
    expect(
      ['Pacific/Kiritimati', 'UTC', 'Pacific/Pago_Pago'].map((zone) => dayIn(zone)('2026-01-01T10:30:00Z')),
    ).toEqual(['2026-01-02', '2026-01-01', '2025-12-31']);
  });

  it('never gives a day the zone skipped (Pacific/Kiritimati went from UTC−10 to UTC+14 over 1994-12-31)', () => {
    const kiritimati = dayIn('Pacific/Kiritimati');
    expect([kiritimati('1994-12-31T09:59:59.999Z'), kiritimati('1994-12-31T10:00:00Z')]).toEqual([
      '1994-12-30',
      '1995-01-01',
    ]);
  });

  it('refuses a zone that does not exist', () => {
    expect(() => dayOf(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  // A half-hour zone moves at :30 UTC: Iran's last DST end (2022-09-22 00:00 +04:30 became
  // 2022-09-21 23:00 +03:30, at 19:30Z) kept the 21st until 20:30Z.
  it('places the half hour after a transition at :30 UTC on its own day', () => {
    const tehran = dayIn('Asia/Tehran');
    expect(['2022-09-21T19:29:59.999Z', '2022-09-21T19:45:00Z', '2022-09-21T20:30:00Z'].map(tehran)).toEqual([
      '2022-09-21',
      '2022-09-21',
      '2022-09-22',
    ]);
  });
});

describe('quarterOf and quarterToMs', () => {
  it('count quarter hours since 1970, rounding down, before it too', () => {
    expect([quarterOf(0), quarterOf(899_999), quarterOf(900_000), quarterOf(-1)]).toEqual([0, 0, 1, -1]);
    expect([quarterToMs(1), quarterToMs(-1)]).toEqual([900_000, -900_000]);
  });

  it('keep a login on its day in any zone, the quarter starting at most 15 minutes earlier', () => {
    const justBeforeMidnight = {
      'Europe/Berlin': '2026-10-25T22:59:59.999Z',
      'Australia/Lord_Howe': '2026-10-03T13:29:59.999Z',
      'Pacific/Chatham': '2026-01-01T10:14:59.999Z',
      'Asia/Kathmandu': '2026-01-01T18:14:59.999Z', // UTC+5:45
    };
    for (const [zone, iso] of Object.entries(justBeforeMidnight)) {
      const at = Date.parse(iso);
      expect([zone, dayOf(quarterToMs(quarterOf(at)), zone), dayOf(quarterToMs(quarterOf(at + 1)), zone)]).toEqual([
        zone,
        dayOf(at, zone),
        dayOf(at, zone) + 1,
      ]);
    }
  });
});

describe('startOfDay', () => {
  it('is local midnight, in zones ahead of and behind UTC, across a DST change', () => {
    const day = isoToDay('2026-03-29'); // Europe/Paris moves to +02:00 at 01:00Z that day
    expect(new Date(startOfDay(day, 'Europe/Paris')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay(day + 1, 'Europe/Paris')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfDay(day, 'America/New_York')).toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(new Date(startOfDay(day, 'UTC')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('is the first instant of a day that skips midnight (America/Santiago, 2026-09-06)', () => {
    const day = isoToDay('2026-09-06');
    const start = startOfDay(day, 'America/Santiago');
    expect(dayOf(start, 'America/Santiago')).toBe(day);
    expect(dayOf(start - 1, 'America/Santiago')).toBe(day - 1);
  });
});
