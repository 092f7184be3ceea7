import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceIdOf, isLaterLogin, type SsoLoginEvent } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { addActivity, type ActivityChange } from '../estimate/count-activity';
import { loginDaysOf, type Pair } from '../estimate/derive-estimates.service';
import { quarterOf } from '@org/days';
import { settingsOf } from '../tenant/tenant-settings';
import { LoginHistory } from './login-history.entity';

/** The key of a user's history on an instance. */
const PAIR = ['instanceId', 'userId'] as const;

interface PairLogins {
  instanceId: string;
  tenantId: string;
  userId: string;
  email: string;
  lastAt: number;
  quarters: Set<number>;
}

/**
 * Folds a batch of non-social logins (R2) into each user's login history with one read and
 * one write, counts the users active on each newly seen day, and returns the pairs whose
 * login days changed: only those need their estimate derived again.
 */
export interface ChangedLogins extends Pair {
  tenantId: string;
  email: string;
  /** Every login day of the pair, in the tenant's zone. */
  days: Set<number>;
  windowDays: number;
}

export async function recordLogins(em: EntityManager, logins: SsoLoginEvent[]): Promise<ChangedLogins[]> {
  const byPair = new Map<string, PairLogins>();
  for (const e of logins) {
    if (e.data.method === 'social') continue;
    const instanceId = instanceIdOf(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId);
    const key = `${instanceId}|${e.data.userId}`;
    const at = Date.parse(e.data.at);
    let pair = byPair.get(key);
    if (!pair) {
      pair = {
        instanceId,
        tenantId: e.tenantId,
        userId: e.data.userId,
        email: e.data.email,
        lastAt: at,
        quarters: new Set(),
      };
      byPair.set(key, pair);
    }
    pair.quarters.add(quarterOf(at));
    if (isLaterLogin(at, e.data.email, pair.lastAt, pair.email)) {
      pair.lastAt = at;
      pair.email = e.data.email;
    }
  }
  const pairs = [...byPair.values()];
  if (!pairs.length) return [];

  const history = tableOf(em, LoginHistory);
  // Raw: locks a batch of pairs joined on `unnest` in one statement (npm run bench -- ingest).
  const existing = (
    await query(
      em,
      `select ${history.columns(['instanceId', 'userId', 'quarters', 'email', 'lastLoginAt', 'version'], 'lh')}
       from ${history.name} lh join unnest(${history.arrayParameters(PAIR)}) as p(${history.columns(PAIR)})
         using (${history.columns(PAIR)})
       for update of lh`,
      history.arrays(
        pairs.map(({ instanceId, userId }) => ({ instanceId, userId })),
        PAIR,
      ),
    )
  ).map((r) => history.row(r));
  const before = new Map(existing.map((r) => [`${r.instanceId}|${r.userId}`, r]));
  const settings = await settingsOf(em, [...new Set(pairs.map((p) => p.tenantId))]);

  const writes: Array<Omit<LoginHistory, 'publishedVersion'>> = [];
  const activity = new Map<string, ActivityChange>();
  const changedDays: ChangedLogins[] = [];
  for (const pair of pairs) {
    const old = before.get(`${pair.instanceId}|${pair.userId}`);
    const oldQuarters = new Set(old?.quarters ?? []);
    const added = [...pair.quarters].filter((q) => !oldQuarters.has(q));
    const later = !old || isLaterLogin(pair.lastAt, pair.email, old.lastLoginAt.getTime(), old.email);
    if (!added.length && !later) continue;
    const merged = [...oldQuarters, ...added].sort((a, b) => a - b);
    writes.push({
      instanceId: pair.instanceId,
      userId: pair.userId,
      tenantId: pair.tenantId,
      email: later ? pair.email : old.email,
      quarters: merged,
      lastLoginAt: later ? new Date(pair.lastAt) : old.lastLoginAt,
      // A later login is news for sso.user-activity.v1; more quarters alone are not.
      version: old ? old.version + (later ? 1 : 0) : 1,
    });
    if (!added.length) continue;
    const { timeZone, windowDays } = settings.get(pair.tenantId)!;
    const oldDays = loginDaysOf(oldQuarters, timeZone);
    const newDays = [...loginDaysOf(added, timeZone)].filter((d) => !oldDays.has(d));
    if (!newDays.length) continue;
    changedDays.push({
      instanceId: pair.instanceId,
      userId: pair.userId,
      tenantId: pair.tenantId,
      email: pair.email,
      days: new Set([...oldDays, ...newDays]),
      windowDays,
    });
    for (const day of newDays) {
      const key = `${pair.instanceId}|${day}`;
      const change = activity.get(key) ?? { instanceId: pair.instanceId, tenantId: pair.tenantId, day, users: 0 };
      change.users++;
      activity.set(key, change);
    }
  }
  if (writes.length) {
    const written = ['instanceId', 'userId', 'tenantId', 'email', 'lastLoginAt', 'version'] as const;
    // Raw: a bulk `unnest` upsert (npm run bench -- ingest). Quarters travel as `int[]` text:
    // PostgreSQL arrays cannot nest arrays of different lengths.
    await query(
      em,
      `insert into ${history.name} (${history.columns([...written, 'quarters'])})
       select ${history.columns(written, 'w')}, w.quarters::int[]
       from unnest(${history.arrayParameters(written)}, ?::text[]) as w(${history.columns([...written, 'quarters'])})
       on conflict (${history.columns(PAIR)}) do update
         set ${history.excluded(['email', 'quarters', 'lastLoginAt', 'version'])}`,
      [...history.arrays(writes, written), writes.map((w) => `{${w.quarters.join(',')}}`)],
    );
  }
  await addActivity(em, [...activity.values()]);
  return changedDays;
}
