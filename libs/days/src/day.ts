// Days are calendar dates in the tenant's time zone (SPEC §2), handled as integers: the
// number of days since 1970-01-01. Offsets are looked up once per zone and UTC quarter hour,
// since formatting a date per login would dominate the hot path. A quarter hour, not an hour:
// every UTC offset in use is a multiple of 15 minutes, so zones change offset only on UTC
// quarter hours — half-hour zones at :30 (Asia/Tehran did at 19:30Z, near its midnight).

const MS_PER_DAY = 86_400_000;
const MS_PER_QUARTER = 900_000;
/** Over all zones: ~23 zone-years in ~25 MB, as the former hourly cache held; past it the caches start over. */
const MAX_CACHED_OFFSETS = 800_000;

interface Zone {
  format: Intl.DateTimeFormat;
  /** Per UTC quarter hour met so far; a number key, as building a string key per call cost more than the lookup. */
  offsets: Map<number, number>;
}

const zones = new Map<string, Zone>();
let cachedOffsets = 0;

function zoneOf(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    zone = { format, offsets: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/** The zone's offset from UTC, in ms, during the UTC quarter hour holding `instantMs`. */
function offsetOf(timeZone: string, instantMs: number): number {
  const zone = zoneOf(timeZone);
  const quarter = quarterOf(instantMs);
  let offset = zone.offsets.get(quarter);
  if (offset === undefined) {
    const at = quarterToMs(quarter);
    const parts = Object.fromEntries(zone.format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    offset = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute) - at;
    if (++cachedOffsets > MAX_CACHED_OFFSETS) {
      for (const { offsets } of zones.values()) offsets.clear();
      cachedOffsets = 1;
    }
    zone.offsets.set(quarter, offset);
  }
  return offset;
}

/** The day, in `timeZone`, of an instant. */
export function dayOf(instantMs: number, timeZone: string): number {
  return Math.floor((instantMs + offsetOf(timeZone, instantMs)) / MS_PER_DAY);
}

/** The first instant of a day in `timeZone` (midnight, or the first instant after a gap at midnight). */
export function startOfDay(day: number, timeZone: string): number {
  const midnightUtc = day * MS_PER_DAY;
  // The offset near that midnight, then once more at the instant it gives (offsets change rarely).
  const guess = midnightUtc - offsetOf(timeZone, midnightUtc);
  const start = midnightUtc - offsetOf(timeZone, guess);
  return dayOf(start, timeZone) === day ? start : guess;
}

export const dayToIso = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
export const isoToDay = (iso: string): number => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / MS_PER_DAY);

// Logins are kept per quarter hour, the finest step any time zone's offset takes: enough to
// place each login on its day again when the tenant changes its time zone.
export const quarterOf = (instantMs: number): number => Math.floor(instantMs / MS_PER_QUARTER);
export const quarterToMs = (quarter: number): number => quarter * MS_PER_QUARTER;
