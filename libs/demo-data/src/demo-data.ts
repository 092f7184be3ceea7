// The demo tenant `npm start` seeds (unless DEMO=0): two SSO platforms, 40 applications
// (three with an instance on each platform, four with only social logins), a few thousand
// users with a year of logins and assignment lists, and connections with history — one
// connected with license tiers, one engagement connector with usage, one disconnected, one
// reconnected, one deleted. Everything goes through the product's real entrances: the REST
// API for tenants, SSO connections and connection lifecycles, the connector SDK and the
// contract's topics for events. Deterministic: the same demo every time.
import type { KafkaSasl } from '@org/config';
import { ConnectorClient, type LoginInput } from '@org/connector-sdk';
import { dayOf, dayToIso } from '@org/days';

/** The demo tenant's zone; its usage days are days of this zone. */
const TIME_ZONE = 'Europe/Berlin';

const DAY = 86_400_000;

export interface DemoOptions {
  gatewayUrl: string;
  adminKey: string;
  brokers: string[];
  topicPrefix?: string;
  /** Users in the organisation (default 3,000); tests use fewer. */
  users?: number;
  /** Days of history (default 365). */
  days?: number;
  progress?: (line: string) => void;
  /**
   * On a secured cluster (SPEC §7) the demo is two outside producers: an SSO platform's
   * connector (`sso-producer`) and the apps' connectors (`connector`), each with its credentials.
   */
  principals?: { sso: KafkaSasl; connector: KafkaSasl };
}

export interface Demo {
  tenantId: string;
  apiKey: string;
  events: number;
}

interface AppSpec {
  key: string;
  name: string;
  /** Share of the organisation using it. */
  reach: number;
  platforms: Array<'okta' | 'entra'>;
  socialOnly?: boolean;
}

const APPS: AppSpec[] = [
  ['salesforce', 'Salesforce', 0.3, 'both'],
  ['slack', 'Slack', 0.9, 'both'],
  ['github', 'GitHub', 0.2, 'both'],
  ['zoom', 'Zoom', 0.6, 'okta'],
  ['atlassian', 'Atlassian', 0.45, 'okta'],
  ['dropbox', 'Dropbox', 0.25, 'okta'],
  ['workday', 'Workday', 0.95, 'okta'],
  ['notion', 'Notion', 0.3, 'entra'],
  ['figma', 'Figma', 0.12, 'okta'],
  ['miro', 'Miro', 0.2, 'entra'],
  ['asana', 'Asana', 0.22, 'okta'],
  ['hubspot', 'HubSpot', 0.1, 'entra'],
  ['zendesk', 'Zendesk', 0.1, 'okta'],
  ['docusign', 'DocuSign', 0.08, 'entra'],
  ['box', 'Box', 0.18, 'okta'],
  ['adobe-cc', 'Adobe Creative Cloud', 0.08, 'entra'],
  ['servicenow', 'ServiceNow', 0.3, 'entra'],
  ['tableau', 'Tableau', 0.06, 'okta'],
  ['snowflake', 'Snowflake', 0.05, 'entra'],
  ['datadog', 'Datadog', 0.07, 'okta'],
  ['pagerduty', 'PagerDuty', 0.05, 'okta'],
  ['lucidchart', 'Lucidchart', 0.1, 'entra'],
  ['smartsheet', 'Smartsheet', 0.08, 'okta'],
  ['airtable', 'Airtable', 0.06, 'entra'],
  ['intercom', 'Intercom', 0.04, 'okta'],
  ['gong', 'Gong', 0.05, 'entra'],
  ['coursera', 'Coursera', 0.1, 'entra'],
  ['expensify', 'Expensify', 0.4, 'okta'],
  ['greenhouse', 'Greenhouse', 0.05, 'entra'],
  ['lattice', 'Lattice', 0.85, 'okta'],
  ['1password', '1Password', 0.8, 'entra'],
  ['loom', 'Loom', 0.2, 'okta'],
  ['webex', 'Webex', 0.12, 'entra'],
  ['monday', 'monday.com', 0.1, 'okta'],
  ['sentry', 'Sentry', 0.05, 'entra'],
  ['linkedin-sales', 'LinkedIn Sales Navigator', 0.04, 'okta'],
  ['canva', 'Canva', 0.15, 'okta', true],
  ['trello', 'Trello', 0.1, 'entra', true],
  ['calendly', 'Calendly', 0.12, 'okta', true],
  ['grammarly', 'Grammarly', 0.2, 'entra', true],
].map(([key, name, reach, platforms, socialOnly]) => ({
  key: key as string,
  name: name as string,
  reach: reach as number,
  platforms: platforms === 'both' ? ['okta', 'entra'] : [platforms as 'okta' | 'entra'],
  socialOnly: socialOnly === true,
}));

const FIRST =
  'ada alan anna ben carla chen dara eli emma finn gia hana ivan jade jon kai lena liam lina luca maya mia nia noah omar pia raj rosa sam sara tara teo una vera wen yara yuki zoe zane ines'.split(
    ' ',
  );
const LAST =
  'adams baker chen diaz evans fischer garcia hansen ito jones kim lopez meyer novak ortiz patel quinn rossi silva tanaka usman vogel wang xu young zhou berg costa dubois'.split(
    ' ',
  );

/** A small deterministic generator (mulberry32): the demo, and generated test histories, are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedDemo(options: DemoOptions): Promise<Demo> {
  const say = options.progress ?? (() => undefined);
  const userCount = options.users ?? 3_000;
  const days = options.days ?? 365;
  const now = Date.now();
  const rand = seededRandom(20261129);
  const api = apiOf(options.gatewayUrl);
  const clientAs = (sasl?: KafkaSasl) =>
    new ConnectorClient({ brokers: options.brokers, topicPrefix: options.topicPrefix, clientId: 'demo-seed', sasl });
  const ssoClient = clientAs(options.principals?.sso);
  const connectorClient = options.principals ? clientAs(options.principals.connector) : ssoClient;
  let events = 0;
  try {
    const tenant = await api<{ tenantId: string; apiKey: string }>('POST', '/v1/tenants', options.adminKey, {
      name: 'Demo Co',
      timeZone: TIME_ZONE,
    });
    const key = tenant.apiKey;
    const tenantId = tenant.tenantId;
    const sso = {
      okta: await api<{ id: string }>('POST', '/v1/sso-connections', key, { platform: 'okta', name: 'Okta' }),
      entra: await api<{ id: string }>('POST', '/v1/sso-connections', key, { platform: 'entra', name: 'Entra ID' }),
    };
    say(`tenant "Demo Co" and two SSO platforms (Okta, Entra ID)`);

    const people = Array.from({ length: userCount }, (_, i) => {
      const first = FIRST[i % FIRST.length];
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
      return {
        userId: `e${String(i + 1).padStart(5, '0')}`,
        email: `${first}.${last}${i >= FIRST.length * LAST.length ? i : ''}@demo.example`,
        /** Days between logins, and the days the person joined and (for some) left. */
        every: 4 + Math.floor(rand() * 50),
        joined: rand() < 0.8 ? days : Math.floor(rand() * days),
        left: rand() < 0.1 ? Math.floor(rand() * days * 0.8) : -1,
        /** Some stop logging in (75–274 days ago) but keep their accounts: the seats reclamation finds (R18). */
        stopped: i % 13 === 5 ? 75 + ((i * 37) % 200) : -1,
      };
    });

    // Who uses what: each app's reach of the organisation, the same people on both platforms' instances.
    const instances = APPS.flatMap((app) =>
      app.platforms.map((platform) => ({
        app,
        platform,
        ssoAppId: `${app.key}-${platform}`,
        users: people.filter(() => rand() < app.reach / app.platforms.length + (app.platforms.length > 1 ? 0.1 : 0)),
      })),
    );
    const membersOf = (key: string, platform = 'okta') =>
      instances.find((i) => i.app.key === key && i.platform === platform)!.users;

    // A year of logins, instance by instance (sent as they are made: memory stays small).
    let done = 0;
    for (const instance of instances) {
      const logins: LoginInput[] = [];
      for (const person of instance.users) {
        const offset = Math.floor(rand() * person.every);
        for (let d = person.joined - offset; d > 0 && d > person.left && d > person.stopped; d -= person.every) {
          logins.push({
            ssoConnectionId: sso[instance.platform].id,
            ssoAppId: instance.ssoAppId,
            appKey: instance.app.key,
            appName: instance.app.name,
            userId: person.userId,
            email: person.email,
            method: instance.app.socialOnly || rand() < 0.03 ? 'social' : 'sso',
            at: new Date(now - d * DAY + Math.floor(rand() * 10 * 3_600_000)).toISOString(),
          });
        }
      }
      events += (await ssoClient.sendLogins(tenantId, logins)).sent;
      done++;
      if (done % 10 === 0 || done === instances.length)
        say(`logins: ${done}/${instances.length} instances, ${events.toLocaleString('en')} events`);
    }

    // Assignment lists, monthly, for the apps Okta assigns (R1: they replace the login estimate).
    for (const appKey of ['workday', 'atlassian']) {
      const members = membersOf(appKey);
      for (let month = 12; month >= 0; month--) {
        const d = Math.floor((month * days) / 12);
        const assigned = members.filter((p) => p.joined >= d && (p.left < 0 || p.left < d));
        const sent = await ssoClient.sendAssignments(tenantId, {
          ssoConnectionId: sso.okta.id,
          ssoAppId: `${appKey}-okta`,
          appKey,
          appName: APPS.find((a) => a.key === appKey)!.name,
          asOf: new Date(now - d * DAY).toISOString(),
          users: assigned.map((p) => ({ userId: p.userId, email: p.email })),
        });
        events += sent.pages;
      }
    }
    say('assignment lists: Workday and Atlassian, monthly');

    // The registry learns of instances from sso-ingest; connecting needs them (R3, R5).
    type Listed = { appKey: string; instances: Array<{ instanceId: string; ssoAppId: string }> };
    const listed = await waitFor(async () => {
      const items = (await api<{ items: Listed[] }>('GET', '/v1/applications', key)).items;
      return items.length === APPS.length && items.every((a) => a.instances.length) ? items : null;
    }, 90_000);
    const instanceId = (appKey: string, platform = 'okta') =>
      listed.find((a) => a.appKey === appKey)!.instances.find((i) => i.ssoAppId === `${appKey}-${platform}`)!
        .instanceId;
    say(`all ${APPS.length} applications are in; connecting`);

    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const connect = (appKey: string, kind: string, vendor: string, tiers: boolean, daysAgo: number) =>
      api<{ id: string }>('POST', '/v1/connections', key, {
        instanceId: instanceId(appKey),
        kind,
        vendor,
        supportsLicenseTiers: tiers,
        effectiveAt: at(daysAgo),
      });
    const change = (id: string, verb: 'disconnect' | 'reconnect', daysAgo: number) =>
      api('POST', `/v1/connections/${id}/${verb}`, key, { effectiveAt: at(daysAgo) });
    /** Weekly snapshots over [from, to] days ago: the app's members plus licences nobody uses. */
    const snapshots = async (appKey: string, id: string, from: number, to: number, tiers: string[] | null) => {
      const members = membersOf(appKey);
      const idle = people.filter(() => rand() < 0.02);
      for (let d = from; d >= to; d -= 7) {
        const users = [...members, ...idle]
          .filter((p) => p.joined >= d - 3 && (p.left < 0 || p.left < d - 10))
          .map((p, i) => ({
            userId: p.userId,
            email: p.email,
            tier: tiers ? tiers[(i * 7 + p.every) % tiers.length] : null,
            status: (i + p.every) % 23 === 0 ? 'suspended' : 'active',
          }));
        events += (await connectorClient.sendSnapshot(tenantId, { connectionId: id, asOf: at(d), users })).pages;
      }
    };

    const salesforce = await connect('salesforce', 'provisioning', 'Salesforce SCIM', true, 200);
    await snapshots('salesforce', salesforce.id, 199, 0, ['Enterprise', 'Platform', 'Platform', 'Viewer']);
    say('Salesforce: connected 200 days ago, license tiers, weekly snapshots');

    const slack = await connect('slack', 'engagement', 'Slack API', true, 45);
    await snapshots('slack', slack.id, 44, 0, ['Business+', 'Guest']);
    const usage = membersOf('slack').flatMap((p) =>
      Array.from({ length: 30 }, (_, d) => ({ p, d })).filter(({ d }) => (d + p.every) % 3 !== 0 && p.every < 15),
    );
    events += (
      await connectorClient.sendUsage(
        tenantId,
        usage.map(({ p, d }) => ({
          connectionId: slack.id,
          userId: p.userId,
          // The tenant's days: in the hour after midnight in Berlin, UTC is still on the day before.
          day: dayToIso(dayOf(now - d * DAY, TIME_ZONE)),
          events: 1 + ((p.every * (d + 1)) % 40),
        })),
      )
    ).sent;
    say('Slack: engagement connector for 45 days, with usage');

    const zoom = await connect('zoom', 'provisioning', 'Zoom SCIM', false, 300);
    await snapshots('zoom', zoom.id, 299, 61, null);
    await change(zoom.id, 'disconnect', 60);
    say('Zoom: connected 300 days ago, disconnected 60 days ago');

    const atlassian = await connect('atlassian', 'provisioning', 'Atlassian Access', true, 250);
    await snapshots('atlassian', atlassian.id, 249, 161, ['Standard', 'Premium']);
    await change(atlassian.id, 'disconnect', 160);
    await change(atlassian.id, 'reconnect', 100);
    await snapshots('atlassian', atlassian.id, 95, 0, ['Standard', 'Premium']);
    say('Atlassian: connected 250 days ago, disconnected 160, reconnected 100');

    const dropbox = await connect('dropbox', 'provisioning', 'Dropbox SCIM', false, 200);
    await snapshots('dropbox', dropbox.id, 199, 121, null);
    await change(dropbox.id, 'disconnect', 120);
    await api('DELETE', `/v1/connections/${dropbox.id}`, key);
    say('Dropbox: connected 200 days ago, disconnected 120, deleted (its view is rebuilt)');

    // What the connected apps' seats cost (R19): the reclamation panel shows the waste in money.
    const prices: Array<[string, object]> = [
      [
        'salesforce',
        { currency: 'USD', defaultMonthlyPrice: 25, tierMonthlyPrices: { Enterprise: 165, Platform: 25, Viewer: 0 } },
      ],
      ['slack', { currency: 'EUR', defaultMonthlyPrice: 7.25, tierMonthlyPrices: { 'Business+': 12.5, Guest: 0 } }],
      ['atlassian', { currency: 'USD', defaultMonthlyPrice: 7.75, tierMonthlyPrices: { Premium: 15.25 } }],
      ['workday', { currency: 'USD', defaultMonthlyPrice: 45 }],
    ];
    for (const [appKey, settings] of prices)
      await api('PUT', `/v1/instances/${instanceId(appKey)}/reclamation-settings`, key, settings);
    say('prices for Salesforce, Slack, Atlassian and Workday seats');
    return { tenantId, apiKey: key, events };
  } finally {
    await Promise.all([ssoClient.close(), connectorClient.close()]);
  }
}

function apiOf(base: string) {
  return async <T = unknown>(method: string, path: string, key: string, body?: unknown): Promise<T> => {
    let res: Response;
    // Over the key's request budget (SPEC §5), a client waits as long as Retry-After says.
    for (let attempt = 1; ; attempt++) {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (res.status !== 429 || attempt >= 10) break;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1_000));
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

async function waitFor<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`not in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
