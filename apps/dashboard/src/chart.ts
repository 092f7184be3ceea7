// The daily chart of one instance, as geometry: what each day's bar is made of, where the
// active-users line runs and where the lifecycle markers stand. Pure, so it is tested
// without a browser; chart-view.ts draws it.
import type { Connection, ViewDay } from './api';
import { dayIn } from './days';

export type ChartMode = 'source' | 'tier';
export type MarkerKind = 'connect' | 'disconnect' | 'reconnect';

export interface Marker {
  day: string;
  kind: MarkerKind;
}

export interface Segment {
  /** `connector`, `sso_estimate`, `awaiting` (estimate shown while awaiting the first sync), or `tier:<name>`. */
  key: string;
  label: string;
  value: number;
  y: number;
  height: number;
}

export interface Bar {
  day: ViewDay;
  x: number;
  width: number;
  segments: Segment[];
}

export interface ChartModel {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: Bar[];
  /** Runs of consecutive days with a known active-user count. */
  activeLines: Array<Array<{ x: number; y: number }>>;
  markers: Array<Marker & { x: number }>;
  yTicks: Array<{ value: number; y: number }>;
  xTicks: Array<{ day: string; x: number }>;
  /** Every series that appears, in drawing order, for the legend. */
  series: Array<{ key: string; label: string }>;
}

const NO_TIER = 'tier:(no tier)';

/** Connect, disconnect and reconnect days of the instance's connections that are not deleted. */
export function lifecycleMarkers(connections: Connection[], timeZone: string): Marker[] {
  const markers: Marker[] = [];
  for (const connection of connections) {
    if (connection.status === 'deleted') continue;
    connection.periods.forEach((period, i) => {
      markers.push({ day: dayIn(period.from, timeZone), kind: i === 0 ? 'connect' : 'reconnect' });
      if (period.to) markers.push({ day: dayIn(period.to, timeZone), kind: 'disconnect' });
    });
  }
  return markers.sort((a, b) => a.day.localeCompare(b.day));
}

export function chartModel(
  days: ViewDay[],
  markers: Marker[],
  mode: ChartMode,
  size = { width: 960, height: 280 },
): ChartModel {
  const plot = { left: 48, top: 16, right: size.width - 12, bottom: size.height - 28 };
  const band = days.length ? (plot.right - plot.left) / days.length : 0;
  const top = niceCeiling(Math.max(1, ...days.map((d) => Math.max(d.provisionedUsers, d.activeUsers ?? 0))));
  const yOf = (value: number) => plot.bottom - (value / top) * (plot.bottom - plot.top);
  const xOf = new Map(days.map((d, i) => [d.day, plot.left + i * band]));
  const series = new Map<string, string>();

  const bars = days.map((day, i): Bar => {
    let base = 0;
    const segments = partsOf(day, mode).map(([key, label, value]) => {
      series.set(key, label);
      const segment = { key, label, value, y: yOf(base + value), height: yOf(base) - yOf(base + value) };
      base += value;
      return segment;
    });
    return { day, x: plot.left + i * band, width: Math.max(1, band - (band > 4 ? 1 : 0)), segments };
  });

  const activeLines: ChartModel['activeLines'] = [];
  let run: Array<{ x: number; y: number }> = [];
  for (const bar of bars) {
    if (bar.day.activeUsers === null) {
      if (run.length) activeLines.push(run);
      run = [];
    } else run.push({ x: bar.x + band / 2, y: yOf(bar.day.activeUsers) });
  }
  if (run.length) activeLines.push(run);
  if (activeLines.length) series.set('active', 'active users');

  const tickStep = Math.max(1, Math.ceil(days.length / 8));
  return {
    ...size,
    plot,
    bars,
    activeLines,
    markers: markers.filter((m) => xOf.has(m.day)).map((m) => ({ ...m, x: xOf.get(m.day)! })),
    yTicks: ticksUpTo(top).map((value) => ({ value, y: yOf(value) })),
    xTicks: days.filter((_, i) => i % tickStep === 0).map((d) => ({ day: d.day, x: xOf.get(d.day)! + band / 2 })),
    series: [...series].map(([key, label]) => ({ key, label })),
  };
}

/** What one day's bar is made of, bottom up: by source, or by license tier where known. */
function partsOf(day: ViewDay, mode: ChartMode): Array<[string, string, number]> {
  if (day.provisionedUsers === 0) return [];
  const bySource: [string, string, number] =
    day.source === 'connector'
      ? ['connector', 'connector', day.provisionedUsers]
      : day.awaitingFirstSync
        ? ['awaiting', 'SSO estimate, awaiting first sync', day.provisionedUsers]
        : ['sso_estimate', 'SSO estimate', day.provisionedUsers];
  if (mode === 'source' || !day.tiers) return [bySource];
  const tiers = Object.entries(day.tiers)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const parts = tiers.map(([tier, n]): [string, string, number] => [`tier:${tier}`, tier, n]);
  const untiered = day.provisionedUsers - tiers.reduce((sum, [, n]) => sum + n, 0);
  if (untiered > 0) parts.push([NO_TIER, '(no tier)', untiered]);
  return parts;
}

/** Whole-number ticks from 0 to `top` (itself 1, 2 or 5 times a power of ten), about five of them. */
export function ticksUpTo(top: number): number[] {
  const step = Math.max(1, niceCeiling(top / 5));
  return Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => i * step);
}

/** 1, 2 or 5 times a power of ten, at least `value`. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= value)!;
}
