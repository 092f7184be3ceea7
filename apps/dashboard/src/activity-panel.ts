// The audit trail (SPEC §5 `GET /v1/audit`): every change made through the API, newest first,
// with the key that made it.
import { type ApiClient, ApiError, type AuditEntry, type AuditPage, type TenantKey } from './api';
import { h, show } from './dom';
import { reasonInWords } from './words';

const PAGE = 50;

/** `connection.disconnected` → `connection disconnected`. */
const actionInWords = (action: string) => action.replace(/[.-]/g, ' ');

/** What changed, as `name: value` pairs; long values cut. */
function detailsInWords(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([name, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `${name}: ${text.length > 80 ? `${text.slice(0, 77)}…` : text}`;
    })
    .join(' · ');
}

export function activityPanel(client: ApiClient): HTMLElement {
  const message = h('p', { class: 'message', role: 'status' });
  const rows = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older changes');
  let keyNames = new Map<string, string>();
  let cursor: string | null = null;

  const row = (entry: AuditEntry) =>
    h(
      'tr',
      {},
      h('td', {}, new Date(entry.at).toLocaleString()),
      h('td', {}, entry.keyId ? (keyNames.get(entry.keyId) ?? entry.keyId) : 'admin key'),
      h('th', {}, actionInWords(entry.action)),
      h('td', {}, h('code', {}, entry.target.id)),
      h('td', { class: 'details' }, detailsInWords(entry.details)),
    );

  async function load(first: boolean) {
    try {
      if (first) {
        const { items } = await client.get<{ items: TenantKey[] }>('/v1/tenant/keys');
        keyNames = new Map(items.map((k) => [k.id, k.name]));
      }
      const page = await client.get<AuditPage>(`/v1/audit?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
      if (first) show(rows);
      rows.append(...page.items.map(row));
      if (first && !page.items.length)
        rows.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No change yet.')));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (error) {
      message.className = 'message error';
      message.textContent = error instanceof ApiError ? reasonInWords(error.code, error.message) : String(error);
    }
  }
  more.onclick = () => void load(false);
  const refresh = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        cursor = null;
        void load(true);
      },
    },
    'Refresh',
  );

  void load(true);
  return h(
    'article',
    { class: 'instance activity-panel', 'data-testid': 'activity-panel' },
    h('h2', {}, 'Activity'),
    h('p', { class: 'empty' }, 'Every change made through the API, newest first, and the key that made it.'),
    message,
    h(
      'table',
      { class: 'activity', 'data-testid': 'activity' },
      h('thead', {}, h('tr', {}, ...['When', 'Key', 'Change', 'Of', 'What changed'].map((t) => h('th', {}, t)))),
      rows,
    ),
    h('div', { class: 'buttons' }, more, refresh),
  );
}
