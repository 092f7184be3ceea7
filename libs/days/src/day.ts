// Days are calendar dates in the tenant's time zone (SPEC §2), handled as integers: the
// number of days since 1970-01-01. Offsets are looked up once per zone and UTC hour, since
// formatting a date per login would dominate the hot path.

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC, in ms, during the UTC hour holding `instantMs` (zones move on quarter hours at most). */
function offsetOf(timeZone: string, instantMs: number): number {
  const hour = Math.floor(instantMs / MS_PER_HOUR);
  const cacheKey = `${timeZone}|${hour}`;
  let offset = offsets.get(cacheKey);
  if (offset === undefined) {
    const at = hour * MS_PER_HOUR;
    const parts = Object.fromEntries(
      formatterOf(timeZone)
        .formatToParts(new Date(at))
        .map((p) => [p.type, p.value]),
    );
    const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
    offset = local - at;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(cacheKey, offset);
  }
  return offset;
}

/** The day, in `timeZone`, of an instant. */
export function dayOf(instantMs: number, timeZone: string): number {
  return Math.floor((instantMs + offsetOf(timeZone, instantMs)) / MS_PER_DAY);
}

export const dayToIso = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
export const isoToDay = (iso: string): number => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / MS_PER_DAY);

// Logins are kept per quarter hour, the finest step any time zone's offset takes: enough to
// place each login on its day again when the tenant changes its time zone.
const MS_PER_QUARTER = 900_000;
export const quarterOf = (instantMs: number): number => Math.floor(instantMs / MS_PER_QUARTER);
export const quarterToMs = (quarter: number): number => quarter * MS_PER_QUARTER;
