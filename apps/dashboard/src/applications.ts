// Applications and their SSO instances, each with its connection state and, where
// connecting is refused, why (R7) — before anyone tries.
import type { Application, Eligibility, Instance, SsoConnection } from './api';
import { h } from './dom';
import { reasonInWords } from './words';

export interface ApplicationsInput {
  applications: Application[];
  eligibility: Map<string, Eligibility>;
  ssoConnections: SsoConnection[];
  selected: string | null;
  onSelect(app: Application, instance: Instance): void;
  onConnect(app: Application, instance: Instance): void;
}

export function instanceLabel(instance: Instance, ssoConnections: SsoConnection[]): string {
  const sso = ssoConnections.find((c) => c.id === instance.ssoConnectionId);
  return `${sso ? sso.name : 'SSO'} · ${instance.ssoAppId}`;
}

export function applicationsView(input: ApplicationsInput): HTMLElement {
  if (!input.applications.length)
    return h('p', { class: 'empty' }, 'No applications yet: they appear with the first SSO login events.');
  const rows = input.applications.flatMap((app) => {
    const eligibility = input.eligibility.get(app.appKey);
    return app.instances.map((instance, i) => {
      const reason = eligibility?.instances.find((e) => e.instanceId === instance.instanceId)?.reason ?? null;
      const connection = instance.connection && instance.connection.status !== 'deleted' ? instance.connection : null;
      return h(
        'tr',
        {
          'data-app': app.appKey,
          'data-instance': instance.instanceId,
          class: instance.instanceId === input.selected ? 'selected' : null,
        },
        i === 0 ? h('th', { rowspan: app.instances.length, scope: 'rowgroup' }, app.appName) : null,
        h(
          'td',
          {},
          instanceLabel(instance, input.ssoConnections),
          h('div', { class: 'hint' }, instance.hasNonSocialLogins ? 'SSO logins' : 'social logins only'),
        ),
        h(
          'td',
          {},
          connection
            ? h('span', { class: `badge ${connection.status}` }, `${connection.status} · ${connection.vendor}`)
            : h('span', { class: 'badge none' }, 'not connected'),
          !connection && reason ? h('p', { class: 'reason', 'data-testid': 'reason' }, reasonInWords(reason)) : null,
        ),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => input.onSelect(app, instance) }, 'View'),
          // R7: no Connect… where connecting is refused; the reason is shown instead.
          connection || reason
            ? null
            : h(
                'button',
                { type: 'button', class: 'secondary', onclick: () => input.onConnect(app, instance) },
                'Connect…',
              ),
        ),
      );
    });
  });
  return h(
    'table',
    { class: 'applications', 'data-testid': 'applications' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Application'), h('th', {}, 'Instance'), h('th', {}, 'Connection'), h('th', {})),
    ),
    h('tbody', {}, ...rows),
  );
}
