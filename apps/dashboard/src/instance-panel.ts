// One instance: its connection and what can be done with it, and its daily chart over a
// chosen range. Deleting shows the preview first, then the rebuild's progress.
import { type ApiClient, ApiError, type Application, type Connection, type Instance, type Provisioning } from './api';
import { chartModel, type ChartMode, lifecycleMarkers } from './chart';
import { chartView, colourOf } from './chart-view';
import { addDays, dayIn, daysBetween } from './days';
import { h, show } from './dom';
import { reclamationPanel } from './reclamation-panel';
import { reasonInWords, sourceInWords } from './words';

export interface PanelContext {
  client: ApiClient;
  timeZone: string;
  label: string;
  /** Why this instance cannot be connected (R7: a §3 code), or null when it can. */
  refusal: string | null;
  /** The applications list changed (a connection was made, changed or deleted). */
  onChanged(): void;
}

const MAX_DAYS = 3660;
const REBUILD_POLL_MS = 400;
const REBUILD_GIVE_UP_MS = 10 * 60_000;

export function instancePanel(
  ctx: PanelContext,
  app: Application,
  instance: Instance,
  connectFirst = false,
): HTMLElement {
  const today = dayIn(new Date(), ctx.timeZone);
  const range = { from: addDays(today, -89), to: today };
  let mode: ChartMode = 'source';
  let connection: Connection | null = null;
  let view: Provisioning | null = null;
  let connections: Connection[] = [];

  const connectionBox = h('section', { class: 'connection', 'data-testid': 'connection' });
  const message = h('div', { class: 'message', role: 'alert', 'data-testid': 'message' });
  const work = h('section', { class: 'work' });
  const chartBox = h('div', { class: 'chart-box' });
  const legend = h('ul', { class: 'legend' });
  const summary = h('p', { class: 'summary', 'data-testid': 'summary' });

  const fromInput = h('input', { type: 'date', name: 'from', value: range.from, max: today });
  const toInput = h('input', { type: 'date', name: 'to', value: range.to, max: today });
  const modeSelect = h(
    'select',
    { name: 'mode', 'aria-label': 'bars' },
    h('option', { value: 'source' }, 'by source'),
    h('option', { value: 'tier' }, 'by license tier'),
  );
  modeSelect.addEventListener('change', () => {
    mode = modeSelect.value as ChartMode;
    drawChart();
  });
  const rangeForm = h(
    'form',
    { class: 'range', 'data-testid': 'range' },
    h('label', {}, 'From ', fromInput),
    h('label', {}, 'to ', toInput),
    h('button', { type: 'submit' }, 'Show'),
    ...[30, 90, 365].map((n) =>
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            fromInput.value = addDays(today, -(n - 1));
            toInput.value = today;
            void loadView();
          },
        },
        `${n} days`,
      ),
    ),
    h('label', {}, 'Bars ', modeSelect),
  );
  rangeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void loadView();
  });

  const say = (text: string, kind: 'error' | 'info' = 'error') => {
    message.className = `message ${text ? kind : ''}`;
    message.textContent = text;
  };
  const sayError = (error: unknown) =>
    say(error instanceof ApiError ? reasonInWords(error.code, error.message) : String(error));

  async function loadConnection() {
    const path = `/v1/connections?instanceId=${encodeURIComponent(instance.instanceId)}`;
    connections = (await ctx.client.get<{ items: Connection[] }>(path)).items;
    connection = connections.find((c) => c.status !== 'deleted') ?? null;
    drawConnection();
  }

  async function loadView() {
    const from = fromInput.value;
    const to = toInput.value;
    if (!from || !to || from > to) return say('Choose a start day on or before the end day.');
    if (daysBetween(from, to) + 1 > MAX_DAYS) return say(`Choose at most ${MAX_DAYS} days.`);
    try {
      view = await ctx.client.get<Provisioning>(
        `/v1/instances/${instance.instanceId}/provisioning?from=${from}&to=${to}`,
      );
      say('');
      drawChart();
    } catch (error) {
      sayError(error);
    }
  }

  function drawChart() {
    if (!view) return;
    const model = chartModel(view.days, lifecycleMarkers(connections, ctx.timeZone), mode);
    show(chartBox, chartView(model));
    show(
      legend,
      ...model.series.map((serie) =>
        h('li', {}, h('span', { class: 'swatch', style: `background:${colourOf(serie.key)}` }), serie.label),
      ),
      model.markers.length
        ? h('li', {}, h('span', { class: 'swatch marker-swatch' }), 'connect / disconnect / reconnect')
        : null,
    );
    const last = view.days[view.days.length - 1];
    show(
      summary,
      last
        ? `${last.day}: ${last.provisionedUsers} provisioned from the ${sourceInWords(last.source)}` +
            (last.awaitingFirstSync ? ', awaiting the first sync' : '') +
            (last.staleDays ? `, snapshot ${last.staleDays} day(s) old` : '') +
            (last.activeUsers !== null ? `; ${last.activeUsers} active` : '') +
            (view.rebuild.status === 'rebuilding' ? ` — rebuilding (${Math.round(view.rebuild.progress * 100)} %)` : '')
        : 'No days in this range.',
    );
  }

  function drawConnection() {
    if (!connection) {
      show(
        connectionBox,
        h('h3', {}, 'Connection'),
        h('p', {}, 'Not connected: the view shows the SSO estimate.'),
        // R7: an instance that cannot be connected shows why, not a form bound to be refused.
        ctx.refusal
          ? h('p', { class: 'reason', 'data-testid': 'connect-refusal' }, reasonInWords(ctx.refusal))
          : connectForm(),
      );
      return;
    }
    const c = connection;
    const periods = c.periods
      .map((p) => `${dayIn(p.from, ctx.timeZone)} → ${p.to ? dayIn(p.to, ctx.timeZone) : 'now'}`)
      .join(', ');
    show(
      connectionBox,
      h('h3', {}, 'Connection'),
      h(
        'p',
        {},
        h('span', { class: `badge ${c.status}`, 'data-testid': 'connection-status' }, c.status),
        ` ${c.vendor} (${c.kind}${c.supportsLicenseTiers ? ', license tiers' : ''}); connected ${periods}`,
      ),
      h(
        'div',
        { class: 'buttons' },
        c.status === 'connected' ? action('Disconnect', () => change('disconnect')) : null,
        c.status === 'disconnected' ? action('Reconnect', () => change('reconnect')) : null,
        c.status === 'disconnected' ? action('Delete…', () => previewDelete(), 'danger') : null,
      ),
    );
  }

  const action = (label: string, run: () => Promise<void>, kind = '') =>
    h(
      'button',
      {
        type: 'button',
        class: kind,
        onclick: async (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          try {
            await run();
          } catch (error) {
            sayError(error);
          } finally {
            button.disabled = false;
          }
        },
      },
      label,
    );

  function connectForm(): HTMLElement {
    const form = h(
      'form',
      { class: 'connect', 'data-testid': 'connect-form' },
      h(
        'label',
        {},
        'Kind ',
        h(
          'select',
          { name: 'kind' },
          h('option', { value: 'provisioning' }, 'provisioning'),
          h('option', { value: 'engagement' }, 'engagement (usage too)'),
        ),
      ),
      h(
        'label',
        {},
        'Vendor ',
        h('input', { name: 'vendor', required: true, maxlength: 200, placeholder: 'e.g. SCIM' }),
      ),
      h('label', {}, h('input', { type: 'checkbox', name: 'supportsLicenseTiers' }), ' reports license tiers'),
      h('label', {}, 'Effective from ', h('input', { type: 'datetime-local', name: 'effectiveAt' }), ' (empty: now)'),
      h('button', { type: 'submit' }, 'Connect'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const effectiveAt = String(data.get('effectiveAt') ?? '');
      try {
        await ctx.client.send('POST', '/v1/connections', {
          instanceId: instance.instanceId,
          kind: data.get('kind'),
          vendor: String(data.get('vendor') ?? '').trim(),
          supportsLicenseTiers: data.get('supportsLicenseTiers') === 'on',
          ...(effectiveAt ? { effectiveAt: new Date(effectiveAt).toISOString() } : {}),
        });
        say('Connected. The view shows the SSO estimate, awaiting the first sync, until a snapshot arrives.', 'info');
        await refresh();
      } catch (error) {
        sayError(error);
      }
    });
    return form;
  }

  async function change(verb: 'disconnect' | 'reconnect') {
    await ctx.client.send('POST', `/v1/connections/${connection!.id}/${verb}`, {});
    say(
      verb === 'disconnect' ? 'Disconnected: from today on the view shows the SSO estimate.' : 'Reconnected.',
      'info',
    );
    await refresh();
  }

  async function previewDelete() {
    const c = connection!;
    const preview = await ctx.client.get<{ days: Array<{ day: string; before: Summary; after: Summary }> }>(
      `/v1/connections/${c.id}/delete-preview`,
    );
    const changed = preview.days.filter(
      (d) => d.before.source !== d.after.source || d.before.provisionedUsers !== d.after.provisionedUsers,
    );
    show(
      work,
      h(
        'div',
        { class: 'preview', 'data-testid': 'delete-preview' },
        h('h3', {}, `Delete the ${c.vendor} connection?`),
        h(
          'p',
          {},
          'Everything it collected (snapshots, users, tiers, usage) is removed and every day of this instance shows the SSO estimate. ',
          h('strong', { 'data-testid': 'changed-days' }, `${changed.length} day${changed.length === 1 ? '' : 's'}`),
          ' change.',
        ),
        changed.length
          ? h(
              'table',
              {},
              h('thead', {}, h('tr', {}, h('th', {}, 'Day'), h('th', {}, 'Now'), h('th', {}, 'After the delete'))),
              h(
                'tbody',
                {},
                ...changed
                  .slice(0, 12)
                  .map((d) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, d.day),
                      h('td', {}, summaryText(d.before)),
                      h('td', {}, summaryText(d.after)),
                    ),
                  ),
                changed.length > 12
                  ? h('tr', {}, h('td', { colspan: 3 }, `… and ${changed.length - 12} more days`))
                  : null,
              ),
            )
          : null,
        h(
          'div',
          { class: 'buttons' },
          action('Delete connection', () => confirmDelete(c), 'danger'),
          h('button', { type: 'button', class: 'secondary', onclick: () => show(work) }, 'Cancel'),
        ),
      ),
    );
  }

  async function confirmDelete(c: Connection) {
    const generationBefore = view?.rebuild.generation ?? 0;
    await ctx.client.send('DELETE', `/v1/connections/${c.id}`);
    const bar = h('progress', { max: 1, value: 0 });
    const text = h('span', { 'data-testid': 'rebuild-status' }, 'Rebuild requested…');
    show(
      work,
      h('div', { class: 'progress', 'data-testid': 'rebuild-progress' }, h('h3', {}, 'Rebuilding the view'), bar, text),
    );
    await loadConnection();
    ctx.onChanged();
    const until = Date.now() + REBUILD_GIVE_UP_MS;
    while (Date.now() < until) {
      const state = await ctx.client.get<Provisioning>(
        `/v1/instances/${instance.instanceId}/provisioning?from=${today}&to=${today}`,
      );
      if (state.rebuild.status === 'rebuilding') {
        bar.value = state.rebuild.progress;
        text.textContent = `Rebuilding: ${Math.round(state.rebuild.progress * 100)} %`;
      } else if (state.rebuild.generation > generationBefore) {
        bar.value = 1;
        text.textContent = 'Rebuilt: every day now shows the SSO estimate.';
        text.setAttribute('data-done', '');
        await loadView();
        return;
      }
      await new Promise((r) => setTimeout(r, REBUILD_POLL_MS));
    }
    text.textContent = 'The rebuild is taking long; it goes on in the background. Reload later.';
  }

  async function refresh() {
    show(work);
    await loadConnection();
    await loadView();
    ctx.onChanged();
  }

  const panel = h(
    'article',
    { class: 'instance', 'data-testid': 'instance', 'data-instance': instance.instanceId },
    h('h2', {}, `${app.appName} `, h('small', {}, ctx.label)),
    message,
    connectionBox,
    work,
    rangeForm,
    chartBox,
    legend,
    summary,
    reclamationPanel(ctx.client, instance.instanceId),
  );
  void (async () => {
    try {
      await loadConnection();
      if (connectFirst) panel.querySelector<HTMLInputElement>('input[name=vendor]')?.focus();
      await loadView();
    } catch (error) {
      sayError(error);
    }
  })();
  return panel;
}

interface Summary {
  source: string;
  provisionedUsers: number;
}
const summaryText = (s: Summary) => `${s.provisionedUsers} (${sourceInWords(s.source)})`;
