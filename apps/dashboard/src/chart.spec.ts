import type { Connection, ViewDay } from './api';
import { chartModel, lifecycleMarkers, niceCeiling, ticksUpTo } from './chart';

const day = (d: string, over: Partial<ViewDay> = {}): ViewDay => ({
  day: d,
  source: 'sso_estimate',
  connectionId: null,
  connectionKind: null,
  provisionedUsers: 0,
  tiers: null,
  activeUsers: null,
  staleDays: null,
  awaitingFirstSync: false,
  ...over,
});

const connection = (periods: Connection['periods'], status: Connection['status'] = 'connected'): Connection => ({
  id: '00000000-0000-4000-8000-000000000001',
  instanceId: '00000000-0000-4000-8000-000000000002',
  appKey: 'zoom',
  kind: 'provisioning',
  vendor: 'SCIM',
  supportsLicenseTiers: true,
  status,
  periods,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('lifecycle markers', () => {
  it('marks connect, disconnect and reconnect on the days of the tenant’s zone', () => {
    const c = connection([
      { from: '2026-03-01T23:30:00Z', to: '2026-03-05T12:00:00Z' },
      { from: '2026-03-08T01:00:00Z', to: null },
    ]);
    expect(lifecycleMarkers([c], 'UTC')).toEqual([
      { day: '2026-03-01', kind: 'connect' },
      { day: '2026-03-05', kind: 'disconnect' },
      { day: '2026-03-08', kind: 'reconnect' },
    ]);
    // 23:30 UTC is already the next day in Kolkata, 01:00 UTC still the day before in New York.
    expect(lifecycleMarkers([c], 'Asia/Kolkata')[0].day).toBe('2026-03-02');
    expect(lifecycleMarkers([c], 'America/New_York')[2].day).toBe('2026-03-07');
  });

  it('shows nothing of a deleted connection', () => {
    expect(lifecycleMarkers([connection([{ from: '2026-03-01T00:00:00Z', to: null }], 'deleted')], 'UTC')).toEqual([]);
  });
});

describe('chart model', () => {
  const days = [
    day('2026-03-01', { provisionedUsers: 4, activeUsers: 2 }),
    day('2026-03-02', {
      provisionedUsers: 4,
      awaitingFirstSync: true,
      connectionId: 'c',
      connectionKind: 'provisioning',
    }),
    day('2026-03-03', {
      source: 'connector',
      provisionedUsers: 10,
      tiers: { Pro: 6, Viewer: 3 },
      activeUsers: 7,
      staleDays: 0,
    }),
  ];

  it('stacks a connector day by tier, with the users without a tier on top', () => {
    const bar = chartModel(days, [], 'tier').bars[2];
    expect(bar.segments.map((s) => [s.key, s.value])).toEqual([
      ['tier:Pro', 6],
      ['tier:Viewer', 3],
      ['tier:(no tier)', 1],
    ]);
    // Segments sit on each other and together are as tall as the day's count.
    expect(bar.segments[1].y + bar.segments[1].height).toBeCloseTo(bar.segments[0].y);
    const model = chartModel(days, [], 'tier');
    const scale = (model.plot.bottom - model.plot.top) / niceCeiling(10);
    expect(bar.segments.reduce((sum, s) => sum + s.height, 0)).toBeCloseTo(10 * scale);
  });

  it('colours a day by its source, the days awaiting the first sync apart', () => {
    const model = chartModel(days, [], 'source');
    expect(model.bars.map((b) => b.segments.map((s) => s.key))).toEqual([
      ['sso_estimate'],
      ['awaiting'],
      ['connector'],
    ]);
    expect(model.series.map((s) => s.key)).toEqual(['sso_estimate', 'awaiting', 'connector', 'active']);
  });

  it('breaks the active-users line on days without a count', () => {
    expect(chartModel(days, [], 'source').activeLines.map((run) => run.length)).toEqual([1, 1]);
  });

  it('places markers on their day and drops those outside the range', () => {
    const model = chartModel(
      days,
      [
        { day: '2026-02-27', kind: 'connect' },
        { day: '2026-03-02', kind: 'disconnect' },
      ],
      'source',
    );
    expect(model.markers).toEqual([{ day: '2026-03-02', kind: 'disconnect', x: model.bars[1].x }]);
  });

  it('puts whole-number ticks on the scale', () => {
    expect(ticksUpTo(1)).toEqual([0, 1]);
    expect(ticksUpTo(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticksUpTo(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticksUpTo(500)).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([1, 3, 7, 10, 11, 180, 4999].map(niceCeiling)).toEqual([1, 5, 10, 10, 20, 200, 5000]);
  });
});
