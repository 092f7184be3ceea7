import { isoToDay } from '@org/days';
import { type ConnectionFacts, type InstanceFacts, viewDays } from './view-days';

// R8–R14 on small examples: days are 2026-03-01 … 2026-03-10 in UTC.
const d = (iso: string) => isoToDay(iso);
const at = (iso: string) => Date.parse(iso);

const connection = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  connectionId: 'c1',
  kind: 'provisioning',
  supportsLicenseTiers: true,
  periods: [{ from: at('2026-03-03T12:00:00Z'), to: at('2026-03-08T09:00:00Z') }],
  snapshots: [{ at: at('2026-03-04T08:00:00Z'), activeUsers: 2, tiers: { Pro: 1, Viewer: 1 } }],
  usage: new Map(),
  ...over,
});

const facts = (connections: ConnectionFacts[], over: Partial<InstanceFacts> = {}): InstanceFacts => ({
  timeZone: 'UTC',
  connections,
  // 5 estimated users from March 1st on.
  estimateChanges: [{ day: d('2026-03-01'), delta: 5 }],
  ssoActivity: new Map([[d('2026-03-05'), 4]]),
  firstLoginDay: d('2026-03-02'),
  ...over,
});

const sources = (f: InstanceFacts) =>
  viewDays(f, d('2026-03-01'), d('2026-03-10')).map((v) =>
    v.source === 'connector' ? `C${v.provisionedUsers}/${v.staleDays}` : v.awaitingFirstSync ? 'wait' : 'E',
  );

describe('viewDays (R8–R14)', () => {
  it('shows the estimate before the connect day, awaits the first sync, then carries the snapshot until the disconnect day', () => {
    expect(sources(facts([connection()]))).toEqual(['E', 'E', 'wait', 'C2/0', 'C2/1', 'C2/2', 'C2/3', 'E', 'E', 'E']);
  });

  it('a snapshot outside every period is never shown; a reconnect awaits its own first sync (R10, R11)', () => {
    const c = connection({
      periods: [
        { from: at('2026-03-02T00:00:00Z'), to: at('2026-03-04T00:00:00Z') },
        { from: at('2026-03-06T00:00:00Z'), to: null },
      ],
      snapshots: [
        { at: at('2026-03-02T10:00:00Z'), activeUsers: 3, tiers: {} },
        { at: at('2026-03-05T10:00:00Z'), activeUsers: 9, tiers: {} }, // between the periods
        { at: at('2026-03-08T10:00:00Z'), activeUsers: 4, tiers: {} },
      ],
    });
    expect(sources(facts([c]))).toEqual(['E', 'C3/0', 'C3/1', 'E', 'E', 'wait', 'wait', 'C4/0', 'C4/1', 'C4/2']);
  });

  it('gives tiers only when the connector supports them, and usage before SSO logins for active users (R14)', () => {
    const engagement = connection({
      kind: 'engagement',
      supportsLicenseTiers: false,
      usage: new Map([[d('2026-03-06'), 1]]),
    });
    const days = viewDays(facts([engagement]), d('2026-03-05'), d('2026-03-06'));
    expect(days.map((v) => [v.tiers, v.activeUsers, v.connectionKind])).toEqual([
      [null, 4, 'engagement'],
      [null, 1, 'engagement'],
    ]);
    expect(viewDays(facts([connection()]), d('2026-03-05'), d('2026-03-05'))[0].tiers).toEqual({
      Pro: 1,
      Viewer: 1,
    });
  });

  it('says null active users only before the first login of any kind, 0 on a quiet day after it (R14)', () => {
    const active = (over: Partial<InstanceFacts>) =>
      viewDays(facts([], over), d('2026-03-01'), d('2026-03-06')).map((v) => v.activeUsers);
    expect(active({})).toEqual([null, 0, 0, 0, 4, 0]);
    // A first login on the day of the first counted activity: nothing before it.
    expect(active({ firstLoginDay: d('2026-03-05') })).toEqual([null, null, null, null, 4, 0]);
    // No login of any kind yet: nothing is known on any day.
    expect(active({ firstLoginDay: null, ssoActivity: new Map() })).toEqual([null, null, null, null, null, null]);
  });

  it('counts days in the tenant’s time zone', () => {
    // 2026-03-03T23:30Z is already March 4th in Tokyo: the connection starts a day later there.
    const c = connection({ periods: [{ from: at('2026-03-03T23:30:00Z'), to: null }], snapshots: [] });
    expect(sources(facts([c])).slice(2, 4)).toEqual(['wait', 'wait']);
    expect(sources(facts([c], { timeZone: 'Asia/Tokyo' })).slice(2, 4)).toEqual(['E', 'wait']);
  });
});
