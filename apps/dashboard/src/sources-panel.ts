// SSO connections and their sources (SPEC §8): which platform each pulls from, its state, and
// a form to attach or replace one. The secret is typed in once and never shown again.
import { type ApiClient, ApiError, type SsoConnection, type SsoSource } from './api';
import { h, show } from './dom';
import { reasonInWords } from './words';

/** A connection's source, or null when it has none (the API answers 404). */
export async function sourceOf(client: ApiClient, ssoConnectionId: string): Promise<SsoSource | null> {
  try {
    return await client.get<SsoSource>(`/v1/sso-connections/${ssoConnectionId}/source`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** The list: each SSO connection, its platform and its source's state. */
export function ssoConnectionsView(
  connections: SsoConnection[],
  sources: Map<string, SsoSource | null>,
  selected: string | null,
  onSelect: (connection: SsoConnection) => void,
): HTMLElement {
  if (!connections.length) return h('p', { class: 'empty' }, 'No SSO connection yet.');
  return h(
    'table',
    { class: 'sso-connections', 'data-testid': 'sso-connections' },
    h('thead', {}, h('tr', {}, h('th', {}, 'SSO connection'), h('th', {}, 'Source'), h('th', {}))),
    h(
      'tbody',
      {},
      ...connections.map((c) => {
        const source = sources.get(c.id);
        return h(
          'tr',
          { class: selected === c.id ? 'selected' : '' },
          h('th', {}, c.name, h('small', {}, ` ${c.platform}`)),
          h(
            'td',
            {},
            source
              ? h(
                  'span',
                  { class: `badge ${source.state === 'polling' ? 'connected' : 'disconnected'}` },
                  `${source.platform} · ${source.state}`,
                )
              : h('span', { class: 'badge none' }, 'none'),
          ),
          h(
            'td',
            { class: 'actions' },
            h(
              'button',
              { type: 'button', class: 'secondary', onclick: () => onSelect(c) },
              source ? 'Source…' : 'Attach a source…',
            ),
          ),
        );
      }),
    ),
  );
}

/** The fields each platform's settings need (SPEC §8), and what its secret is. */
const PLATFORM_FIELDS: Record<SsoSource['platform'], { fields: Array<[string, string, string]>; secret: string }> = {
  okta: { fields: [['orgUrl', 'Org URL', 'https://acme.okta.com']], secret: 'API token (read-only admin)' },
  entra: {
    fields: [
      ['directoryId', 'Directory (tenant) id', 'contoso.onmicrosoft.com'],
      ['clientId', 'Application (client) id', '00000000-0000-0000-0000-000000000000'],
      ['authorityUrl', 'Authority', 'https://login.microsoftonline.com'],
      ['graphUrl', 'Graph', 'https://graph.microsoft.com'],
    ],
    secret: 'Client secret',
  },
  google: {
    fields: [
      ['serviceAccountEmail', 'Service account', 'reports@project.iam.gserviceaccount.com'],
      ['adminEmail', 'Acting as admin', 'admin@acme.com'],
      ['tokenUrl', 'Token URL', 'https://oauth2.googleapis.com/token'],
      ['apiUrl', 'API', 'https://admin.googleapis.com/'],
    ],
    secret: 'Private key (PEM)',
  },
};

/** One connection's source: its state, poll now, detach, and the form to attach or replace it. */
export function sourcePanel(ctx: { client: ApiClient; connection: SsoConnection; onChanged: () => void }): HTMLElement {
  const message = h('p', { class: 'message', role: 'status' });
  const state = h('div', { 'data-testid': 'source-state' });
  const form = h('form', { class: 'connect source', 'data-testid': 'source-form' });
  const panel = h(
    'article',
    { class: 'instance source-panel', 'data-testid': 'source-panel' },
    h('h2', {}, ctx.connection.name, h('small', {}, ` ${ctx.connection.platform} · SSO connection`)),
    state,
    message,
    h('h3', {}, 'Attach or replace the source'),
    form,
  );
  const say = (text: string, kind: 'info' | 'error') => {
    message.className = `message ${kind}`;
    message.textContent = text;
  };
  const sayError = (error: unknown) =>
    say(error instanceof ApiError ? reasonInWords(error.code, error.message) : String(error), 'error');
  const path = `/v1/sso-connections/${ctx.connection.id}/source`;

  async function refresh() {
    try {
      const source = await sourceOf(ctx.client, ctx.connection.id);
      drawState(source);
      drawForm(source);
    } catch (error) {
      sayError(error);
    }
  }

  function drawState(source: SsoSource | null) {
    if (!source)
      return show(state, h('p', { class: 'empty' }, 'No source: logins arrive only from outside producers.'));
    show(
      state,
      h(
        'dl',
        { class: 'summary' },
        h('dt', {}, 'Platform'),
        h('dd', {}, source.platform),
        h('dt', {}, 'State'),
        h('dd', { 'data-testid': 'source-state-value' }, source.state),
        h('dt', {}, 'Last poll'),
        h('dd', {}, when(source.lastPolledAt)),
        h('dt', {}, 'Newest event'),
        h('dd', {}, when(source.lastEventAt)),
        h('dt', {}, 'Logins pulled'),
        h('dd', { 'data-testid': 'source-events' }, source.eventsPulled.toLocaleString()),
        h('dt', {}, 'Next poll'),
        h('dd', {}, when(source.nextPollAt)),
        ...(source.lastError ? [h('dt', {}, 'Last error'), h('dd', { class: 'reason' }, source.lastError)] : []),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', onclick: () => void act('POST', `${path}/sync`, 'Polling now.') }, 'Poll now'),
        h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, 'Refresh'),
        h(
          'button',
          { type: 'button', class: 'danger', onclick: () => void act('DELETE', path, 'Source detached.') },
          'Detach',
        ),
      ),
    );
  }

  async function act(method: 'POST' | 'DELETE', to: string, done: string) {
    try {
      await ctx.client.send(method, to);
      say(done, 'info');
      ctx.onChanged();
      await refresh();
    } catch (error) {
      sayError(error);
    }
  }

  function drawForm(source: SsoSource | null) {
    const platform = h(
      'select',
      { name: 'platform', 'aria-label': 'platform' },
      ...(['okta', 'entra', 'google'] as const).map((p) =>
        h('option', { value: p, selected: (source?.platform ?? 'okta') === p }, p),
      ),
    );
    const fields = h('div', { class: 'fields' });
    const drawFields = () => {
      const chosen = PLATFORM_FIELDS[platform.value as SsoSource['platform']];
      const kept = source?.platform === platform.value ? source.settings : {};
      show(
        fields,
        ...chosen.fields.map(([name, label, placeholder]) =>
          h(
            'label',
            {},
            `${label} `,
            h('input', {
              name,
              placeholder,
              value: String(kept[name] ?? ''),
              required: !name.endsWith('Url') || name === 'orgUrl',
            }),
          ),
        ),
        h(
          'label',
          {},
          `${chosen.secret} `,
          h('textarea', { name: 'secret', required: true, rows: 2, autocomplete: 'off', 'aria-label': 'secret' }),
        ),
      );
    };
    platform.addEventListener('change', drawFields);
    drawFields();
    show(
      form,
      h('label', {}, 'Platform ', platform),
      fields,
      h('button', { type: 'submit' }, source ? 'Replace' : 'Attach'),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const settings: Record<string, string> = {};
      for (const [name] of PLATFORM_FIELDS[platform.value as SsoSource['platform']].fields) {
        const value = String(data.get(name) ?? '').trim();
        if (value) settings[name] = value;
      }
      try {
        await ctx.client.send('PUT', path, {
          platform: platform.value,
          settings,
          secret: String(data.get('secret') ?? ''),
        });
        say('Source attached: its first poll starts now.', 'info');
        ctx.onChanged();
        await refresh();
      } catch (error) {
        sayError(error);
      }
    };
  }

  void refresh();
  return panel;
}
