// Draws a ChartModel as SVG. Every bar carries its day and source as data attributes, and a
// title with the day's figures, so a person can hover it and a browser test can read it.
import { type ChartModel, type Segment } from './chart';
import { s } from './dom';
import { sourceInWords } from './words';

const TIER_COLOURS = ['#7c3aed', '#0891b2', '#db2777', '#ea580c', '#65a30d', '#0d9488', '#c026d3', '#4f46e5'];
const FIXED: Record<string, string> = {
  connector: '#2563eb',
  sso_estimate: '#94a3b8',
  awaiting: '#cbd5e1',
  'tier:(no tier)': '#64748b',
  active: '#16a34a',
};

export function colourOf(key: string): string {
  if (FIXED[key]) return FIXED[key];
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return TIER_COLOURS[hash % TIER_COLOURS.length];
}

export function chartView(model: ChartModel): SVGElement {
  const { plot } = model;
  const grid = model.yTicks.map((t) =>
    s(
      'g',
      {},
      s('line', { x1: plot.left, x2: plot.right, y1: t.y, y2: t.y, class: 'grid' }),
      s('text', { x: plot.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'tick' }, t.value),
    ),
  );
  const xTicks = model.xTicks.map((t) =>
    s('text', { x: t.x, y: plot.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, t.day.slice(5)),
  );
  const bars = model.bars.map((bar) =>
    s(
      'g',
      {
        class: 'bar',
        'data-day': bar.day.day,
        'data-source': bar.day.source,
        'data-provisioned': bar.day.provisionedUsers,
      },
      s('title', {}, describe(bar.day)),
      // An invisible full-height target, so empty days can be hovered too.
      s('rect', { x: bar.x, y: plot.top, width: bar.width, height: plot.bottom - plot.top, class: 'hover' }),
      ...bar.segments.map((segment: Segment) =>
        s('rect', {
          x: bar.x,
          y: segment.y,
          width: bar.width,
          height: Math.max(0, segment.height),
          fill: colourOf(segment.key),
          'data-series': segment.key,
        }),
      ),
    ),
  );
  const active = model.activeLines.map((run) =>
    s('polyline', {
      points: run.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '),
      class: 'active-line',
      stroke: colourOf('active'),
    }),
  );
  // Dots as well as lines: a day with a count between two days without one has no line to be on.
  const activeDots = model.activeLines
    .flat()
    .map((p) =>
      s('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3, class: 'active-dot', fill: colourOf('active') }),
    );
  const markers = model.markers.map((m) =>
    s(
      'g',
      { class: `marker marker-${m.kind}`, 'data-marker': m.kind, 'data-day': m.day },
      s('title', {}, `${m.kind} on ${m.day}`),
      s('line', { x1: m.x, x2: m.x, y1: plot.top - 4, y2: plot.bottom }),
      // Near the right edge the label goes to the line's left, so it is not cut off.
      m.x > plot.right - 70
        ? s('text', { x: m.x - 3, y: plot.top + 8, 'text-anchor': 'end', class: 'marker-label' }, m.kind)
        : s('text', { x: m.x + 3, y: plot.top + 8, class: 'marker-label' }, m.kind),
    ),
  );
  return s(
    'svg',
    {
      viewBox: `0 0 ${model.width} ${model.height}`,
      class: 'chart',
      role: 'img',
      'aria-label': 'provisioned users per day',
      'data-testid': 'chart',
    },
    ...grid,
    ...bars,
    ...active,
    ...activeDots,
    ...markers,
    ...xTicks,
  );
}

function describe(day: ChartModel['bars'][number]['day']): string {
  const lines = [`${day.day}: ${day.provisionedUsers} provisioned (${sourceInWords(day.source)})`];
  if (day.awaitingFirstSync) lines.push('awaiting the first sync');
  if (day.staleDays) lines.push(`snapshot ${day.staleDays} day${day.staleDays === 1 ? '' : 's'} old`);
  if (day.tiers) for (const [tier, n] of Object.entries(day.tiers)) lines.push(`${tier}: ${n}`);
  if (day.activeUsers !== null) lines.push(`${day.activeUsers} active`);
  return lines.join('\n');
}
