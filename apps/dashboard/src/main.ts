// The dashboard: sign in with a tenant key, then the tenant's applications and, per
// instance, its connection and daily chart. Served by the gateway at `/`, built ahead by
// tools/build-dashboard.mjs; it talks only to the gateway's API.
import {
  type ApiClient,
  apiClient,
  ApiError,
  type Application,
  type Applications,
  type Eligibility,
  type Instance,
  type ReclamationSummary,
  type SsoConnection,
  type SsoSource,
  type TenantSettings,
} from './api';
import { activityPanel } from './activity-panel';
import { applicationsView, instanceLabel } from './applications';
import { h, show } from './dom';
import { instancePanel } from './instance-panel';
import { keysPanel } from './keys-panel';
import { wasteOverview } from './reclamation-panel';
import { sourceOf, sourcePanel, ssoConnectionsView } from './sources-panel';
import { reasonInWords } from './words';

const KEY_STORAGE = 'provisioning.tenantKey';
const root = document.getElementById('app')!;

function signIn(problem = '') {
  const key = h('input', {
    type: 'password',
    name: 'key',
    required: true,
    autocomplete: 'off',
    placeholder: 'pk_…',
    'aria-label': 'tenant key',
  });
  const form = h(
    'form',
    { class: 'sign-in', 'data-testid': 'sign-in' },
    h('h1', {}, 'Provisioning'),
    h('p', {}, 'Sign in with your tenant key.'),
    key,
    h('button', { type: 'submit' }, 'Sign in'),
    h('p', { class: 'message error', role: 'alert' }, problem),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void open(key.value.trim());
  });
  show(root, form);
  key.focus();
}

async function open(key: string) {
  const client = apiClient(key);
  let tenant: TenantSettings;
  try {
    tenant = await client.get<TenantSettings>('/v1/tenant');
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    return signIn(error instanceof ApiError ? reasonInWords(error.code, error.message) : String(error));
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  await workspace(client, tenant);
}

async function workspace(client: ApiClient, tenant: TenantSettings) {
  const list = h('section', { class: 'list' });
  let summary: ReclamationSummary = { totals: [], items: [] };
  const detail = h('section', { class: 'detail' }, h('p', { class: 'empty' }, 'Choose an instance to see its days.'));
  let selected: string | null = null;
  let applications: Application[] = [];
  let ssoConnections: SsoConnection[] = [];
  const sources = new Map<string, SsoSource | null>();
  const eligibility = new Map<string, Eligibility>();

  const selectSsoConnection = (connection: SsoConnection) => {
    selected = connection.id;
    drawList();
    show(detail, sourcePanel({ client, connection, onChanged: () => void loadList() }));
  };

  const select = (app: Application, instance: Instance, connectFirst = false) => {
    selected = instance.instanceId;
    drawList();
    show(
      detail,
      instancePanel(
        {
          client,
          timeZone: tenant.timeZone,
          label: instanceLabel(instance, ssoConnections),
          refusal:
            eligibility.get(app.appKey)?.instances.find((e) => e.instanceId === instance.instanceId)?.reason ?? null,
          onChanged: () => void loadList(),
        },
        app,
        instance,
        connectFirst,
      ),
    );
  };
  const selectInstance = (instanceId: string) => {
    for (const app of applications) {
      const instance = app.instances.find((i) => i.instanceId === instanceId);
      if (instance) return select(app, instance);
    }
  };
  const drawList = () =>
    show(
      list,
      wasteOverview(summary, selectInstance),
      h('h2', {}, 'Applications'),
      applicationsView({
        applications,
        eligibility,
        ssoConnections,
        selected,
        onSelect: (app, instance) => select(app, instance),
        onConnect: (app, instance) => select(app, instance, true),
      }),
      h('h2', {}, 'SSO connections'),
      ssoConnectionsView(ssoConnections, sources, selected, selectSsoConnection),
    );
  async function loadList() {
    try {
      const [apps, sso, waste] = await Promise.all([
        client.get<Applications>('/v1/applications'),
        client.get<{ items: SsoConnection[] }>('/v1/sso-connections'),
        client.get<ReclamationSummary>('/v1/reclamation'),
      ]);
      summary = waste;
      applications = apps.items;
      ssoConnections = sso.items;
      const answers = await Promise.all(
        applications.map((app) =>
          client.get<Eligibility>(`/v1/applications/${encodeURIComponent(app.appKey)}/eligibility`),
        ),
      );
      eligibility.clear();
      for (const answer of answers) eligibility.set(answer.appKey, answer);
      const attached = await Promise.all(ssoConnections.map((c) => sourceOf(client, c.id)));
      sources.clear();
      ssoConnections.forEach((c, i) => sources.set(c.id, attached[i]));
      drawList();
    } catch (error) {
      show(
        list,
        h('p', { class: 'message error', role: 'alert' }, error instanceof ApiError ? error.message : String(error)),
      );
    }
  }

  show(
    root,
    h(
      'header',
      {},
      h('h1', {}, 'Provisioning'),
      h('span', { class: 'tenant', 'data-testid': 'tenant' }, `${tenant.name} · ${tenant.timeZone}`),
      ...(
        [
          ['Keys', keysPanel],
          ['Activity', activityPanel],
        ] as const
      ).map(([title, panel]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              selected = null;
              drawList();
              show(detail, panel(client));
            },
          },
          title,
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            sessionStorage.removeItem(KEY_STORAGE);
            signIn();
          },
        },
        'Sign out',
      ),
    ),
    h('main', {}, list, detail),
  );
  await loadList();
}

const kept = sessionStorage.getItem(KEY_STORAGE);
if (kept) void open(kept);
else signIn();
