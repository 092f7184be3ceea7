// The tenant's keys (SPEC §5): who holds which, made `admin` or `read`, shown once, revoked.
import { type ApiClient, ApiError, type KeyCreated, type TenantKey } from './api';
import { h, show } from './dom';
import { reasonInWords } from './words';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function keysPanel(client: ApiClient): HTMLElement {
  const message = h('p', { class: 'message', role: 'status' });
  const made = h('div', { 'data-testid': 'new-key' });
  const list = h('div');
  const name = h('input', {
    name: 'name',
    required: true,
    maxlength: 200,
    placeholder: 'BI export',
    'aria-label': 'key name',
  });
  const scope = h(
    'select',
    { name: 'scope', 'aria-label': 'scope' },
    h('option', { value: 'read' }, 'read: reads only'),
    h('option', { value: 'admin' }, 'admin: may change anything'),
  );
  const form = h(
    'form',
    { class: 'connect', 'data-testid': 'key-form' },
    h('label', {}, 'Name ', name),
    h('label', {}, 'Scope ', scope),
    h('button', { type: 'submit' }, 'Make a key'),
  );
  const say = (text: string, kind: 'info' | 'error') => {
    message.className = `message ${kind}`;
    message.textContent = text;
  };
  const sayError = (error: unknown) =>
    say(error instanceof ApiError ? reasonInWords(error.code, error.message) : String(error), 'error');

  async function refresh() {
    try {
      const { items } = await client.get<{ items: TenantKey[] }>('/v1/tenant/keys');
      show(list, keysTable(items));
    } catch (error) {
      sayError(error);
    }
  }

  const keysTable = (keys: TenantKey[]) =>
    h(
      'table',
      { class: 'keys', 'data-testid': 'keys' },
      h('thead', {}, h('tr', {}, ...['Name', 'Scope', 'Made', 'Last used', ''].map((title) => h('th', {}, title)))),
      h(
        'tbody',
        {},
        ...keys.map((key) =>
          h(
            'tr',
            { 'data-key': key.id, class: key.revokedAt ? 'revoked' : '' },
            h('th', {}, key.name),
            h('td', {}, key.scope),
            h('td', {}, when(key.createdAt)),
            h('td', {}, when(key.lastUsedAt)),
            h(
              'td',
              { class: 'actions' },
              key.revokedAt
                ? h('span', { class: 'badge none' }, `revoked ${when(key.revokedAt)}`)
                : h('button', { type: 'button', class: 'danger', onclick: () => void revoke(key) }, 'Revoke'),
            ),
          ),
        ),
      ),
    );

  async function revoke(key: TenantKey) {
    try {
      await client.send('DELETE', `/v1/tenant/keys/${key.id}`);
      say(`Key “${key.name}” revoked: it stops working within a second.`, 'info');
      await refresh();
    } catch (error) {
      sayError(error);
    }
  }

  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      const key = await client.send<KeyCreated>('POST', '/v1/tenant/keys', {
        name: name.value.trim(),
        scope: scope.value,
      });
      const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy');
      copy.onclick = () =>
        void navigator.clipboard?.writeText(key.apiKey).then(
          () => say('Copied.', 'info'),
          () => say('The browser refused the clipboard: select the key and copy it by hand.', 'error'),
        );
      // Shown this once: the platform keeps only its hash.
      show(
        made,
        h(
          'div',
          { class: 'once' },
          h('p', {}, `The ${key.scope} key “${key.name}”. Copy it now: it is not shown again.`),
          h('code', { 'data-testid': 'new-key-value' }, key.apiKey),
          copy,
        ),
      );
      form.reset();
      say('', 'info');
      await refresh();
    } catch (error) {
      sayError(error);
    }
  };

  void refresh();
  return h(
    'article',
    { class: 'instance keys-panel', 'data-testid': 'keys-panel' },
    h('h2', {}, 'Keys'),
    h('p', { class: 'empty' }, 'A read key reads everything and changes nothing. Revoked keys stop within a second.'),
    made,
    message,
    list,
    h('h3', {}, 'Make a key'),
    form,
  );
}
