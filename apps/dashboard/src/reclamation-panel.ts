// Reclaimable seats (R16–R19): per instance, the counts by reason and tier, the money, the users
// with their reason and last activity, a CSV of them all; for the tenant, its instances by waste.
import { type ApiClient, ApiError, type Reclamation, type ReclamationSummary } from './api';
import { h, show } from './dom';
import { reclaimReasonInWords } from './words';

const PAGE = 50;

export const money = (amount: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);

export function reclamationPanel(client: ApiClient, instanceId: string): HTMLElement {
  const box = h('section', { class: 'reclamation', 'data-testid': 'reclamation' }, h('h3', {}, 'Reclaimable seats'));
  const body = h('div', {}, h('p', { class: 'empty' }, 'Loading…'));
  const users = h('tbody', {});
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More');
  const reason = h(
    'select',
    { name: 'reason', 'aria-label': 'reason' },
    h('option', { value: '' }, 'every reason'),
    ...(['orphaned', 'never_used', 'inactive'] as const).map((r) => h('option', { value: r }, reclaimReasonInWords(r))),
  );
  const message = h('p', { class: 'message', role: 'alert' });
  let cursor: string | null = null;
  const path = () => `/v1/instances/${instanceId}/reclamation${reason.value ? `?reason=${reason.value}` : ''}`;
  const sayError = (error: unknown) => {
    message.className = 'message error';
    message.textContent = error instanceof ApiError ? error.message : String(error);
  };

  async function load(next = false) {
    try {
      const sep = reason.value ? '&' : '?';
      const report = await client.get<Reclamation>(
        `${path()}${sep}limit=${PAGE}${next && cursor ? `&cursor=${cursor}` : ''}`,
      );
      if (!next) {
        draw(report);
        users.replaceChildren();
      }
      for (const seat of report.items) users.append(seatRow(seat));
      cursor = report.nextCursor;
      more.hidden = cursor === null;
    } catch (error) {
      sayError(error);
    }
  }

  function draw(r: Reclamation) {
    const { byReason } = r.seats;
    show(
      body,
      h(
        'p',
        { class: 'waste', 'data-testid': 'waste' },
        h('strong', {}, money(r.monthlyWaste, r.currency)),
        ' a month on ',
        h('strong', {}, `${r.seats.reclaimable}`),
        ` of ${r.seats.provisioned} seats (${r.seats.active} active in the last ${r.inactiveAfterDays} days)`,
        r.unpricedSeats ? `; ${r.unpricedSeats} reclaimable seat(s) have no price` : '',
        '.',
      ),
      h(
        'ul',
        { class: 'reasons', 'data-testid': 'reasons' },
        ...(['orphaned', 'never_used', 'inactive'] as const).map((key) =>
          h('li', { 'data-reason': key }, h('strong', {}, `${byReason[key]}`), ' ', reclaimReasonInWords(key)),
        ),
      ),
      h(
        'table',
        { class: 'tiers', 'data-testid': 'tiers' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Tier'),
            h('th', {}, 'Seats'),
            h('th', {}, 'Reclaimable'),
            h('th', {}, 'Price a month'),
            h('th', {}, 'Waste a month'),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.byTier.map((t) =>
            h(
              'tr',
              { 'data-tier': t.tier ?? '' },
              h('td', {}, t.tier ?? 'no tier'),
              h('td', {}, t.provisioned),
              h('td', {}, t.reclaimable),
              h('td', {}, t.monthlyPrice === null ? 'no price' : money(t.monthlyPrice, r.currency)),
              h('td', {}, money(t.monthlyWaste, r.currency)),
            ),
          ),
        ),
      ),
    );
  }

  reason.addEventListener('change', () => void load());
  more.addEventListener('click', () => void load(true));
  const download = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'csv',
      onclick: async () => {
        try {
          const blob = await client.download(path(), 'text/csv');
          const link = h('a', { href: URL.createObjectURL(blob), download: `reclaimable-seats-${instanceId}.csv` });
          document.body.append(link);
          link.click();
          link.remove();
          // Once the browser has taken the file.
          setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
        } catch (error) {
          sayError(error);
        }
      },
    },
    'Download CSV',
  );
  box.append(
    message,
    body,
    h('div', { class: 'buttons' }, h('label', {}, 'Show ', reason), download),
    h(
      'table',
      { class: 'seats', 'data-testid': 'seats' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'User'),
          h('th', {}, 'Tier'),
          h('th', {}, 'Reason'),
          h('th', {}, 'Last active'),
          h('th', {}, 'Seat since'),
        ),
      ),
      users,
    ),
    more,
  );
  void load();
  return box;
}

const seatRow = (seat: Reclamation['items'][number]) =>
  h(
    'tr',
    { 'data-user': seat.userId, 'data-reason': seat.reason },
    h('td', {}, seat.email),
    h('td', {}, seat.tier ?? ''),
    h('td', {}, reclaimReasonInWords(seat.reason)),
    h(
      'td',
      {},
      seat.lastActiveAt === null ? 'never' : `${seat.lastActiveAt.slice(0, 10)} (${seat.daysInactive} days ago)`,
    ),
    h('td', {}, seat.provisionedSince),
  );

/** The tenant's instances by monthly waste, with totals per currency. */
export function wasteOverview(summary: ReclamationSummary, onSelect: (instanceId: string) => void): HTMLElement | null {
  if (!summary.items.length) return null;
  return h(
    'section',
    { class: 'overview', 'data-testid': 'waste-overview' },
    h('h2', {}, 'Reclaimable seats'),
    h(
      'p',
      {},
      ...summary.totals.map((t, i) =>
        h(
          'span',
          { class: 'total' },
          i ? ' · ' : '',
          h('strong', {}, money(t.monthlyWaste, t.currency)),
          ` a month, ${t.reclaimable} seats`,
          t.unpricedSeats ? ` (${t.unpricedSeats} without a price)` : '',
        ),
      ),
    ),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...summary.items.map((i) =>
          h(
            'tr',
            { 'data-instance': i.instanceId },
            h('th', {}, i.appName ?? i.appKey ?? i.instanceId),
            h('td', {}, `${i.reclaimable} / ${i.provisioned} seats`),
            h('td', {}, money(i.monthlyWaste, i.currency)),
            h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => onSelect(i.instanceId) }, 'View')),
          ),
        ),
      ),
    ),
  );
}
