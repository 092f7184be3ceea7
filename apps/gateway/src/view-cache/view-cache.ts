/**
 * The gateway's copy of recent view answers (`GET /v1/instances/:id/...`), so repeated reads
 * of a dashboard or an API client do not each cost the resolver a query. An answer is
 * dropped as soon as `resolver.views.v1` says its instance changed (days changed, a rebuild
 * started, progressed or finished), and after `ttlMs` at the latest.
 *
 * It only serves while the invalidation feed is live: the feed marks it live on every
 * fetch from Kafka, and when the feed stops (broker away, consumer crashed) the cache
 * empties and every read goes to the resolver until the feed is back.
 */
export interface CachedAnswer {
  status: number;
  contentType: string;
  /** Bytes, not a string: a hit is written out without encoding it again. */
  body: Buffer;
}

interface Entry extends CachedAnswer {
  instanceId: string;
  expiresAt: number;
}

/**
 * The reads that change only with the view (its days, their users, estimate accuracy). Not the
 * reclamation report: logins and settings move it without changing a view day (R20).
 */
export const INSTANCE_READ = /^\/v1\/instances\/([0-9a-f-]{36})(\/(provisioning|estimate-accuracy)(\/|\?|$)|\?|$)/i;

export class ViewCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keysOfInstance = new Map<string, Set<string>>();
  /** Bumped on every change of an instance: an answer fetched before a change is not stored after it. */
  private readonly versions = new Map<string, number>();
  /** Bumped when everything is dropped, which makes every version older. */
  private epoch = 0;
  private bytes = 0;
  private liveUntil = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.maxBytes > 0 && this.ttlMs > 0;
  }

  /** The instance a cacheable read is about, or null (not a GET of an instance's data). */
  instanceOf(method: string, url: string): string | null {
    if (!this.enabled || method !== 'GET') return null;
    const match = INSTANCE_READ.exec(url);
    return match ? match[1].toLowerCase() : null;
  }

  /** The feed delivered (or polled and found nothing): changes are being seen for `forMs`. */
  markLive(forMs: number): void {
    this.liveUntil = this.now() + forMs;
  }

  /** The feed stopped: nothing cached can be trusted any more. */
  pause(): void {
    this.liveUntil = 0;
    this.clear();
  }

  get(tenantId: string, url: string): CachedAnswer | null {
    if (!this.live()) return null;
    const key = keyOf(tenantId, url);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.remove(key);
      return null;
    }
    // Most recently used last: the first entries are the ones evicted.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Taken before asking the resolver; `store` keeps the answer only if no change came in between. */
  versionOf(instanceId: string): string {
    return `${this.epoch}.${this.versions.get(instanceId) ?? 0}`;
  }

  store(tenantId: string, url: string, instanceId: string, version: string, answer: CachedAnswer): void {
    if (!this.live() || this.versionOf(instanceId) !== version || answer.status !== 200) return;
    const size = answer.body.length;
    if (size > this.maxBytes / 8) return;
    const key = keyOf(tenantId, url);
    this.remove(key);
    this.entries.set(key, { ...answer, instanceId, expiresAt: this.now() + this.ttlMs });
    this.bytes += size;
    let keys = this.keysOfInstance.get(instanceId);
    if (!keys) this.keysOfInstance.set(instanceId, (keys = new Set()));
    keys.add(key);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /** The instance's view changed: drop its answers. */
  invalidate(instanceId: string): void {
    const id = instanceId.toLowerCase();
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
    for (const key of this.keysOfInstance.get(id) ?? []) this.remove(key);
  }

  clear(): void {
    this.entries.clear();
    this.keysOfInstance.clear();
    this.bytes = 0;
    // Answers in flight were fetched before the clear: none of them may be stored.
    this.versions.clear();
    this.epoch += 1;
  }

  get size(): number {
    return this.entries.size;
  }

  private live(): boolean {
    return this.enabled && this.now() < this.liveUntil;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
    const keys = this.keysOfInstance.get(entry.instanceId);
    keys?.delete(key);
    if (keys && !keys.size) this.keysOfInstance.delete(entry.instanceId);
  }
}

const keyOf = (tenantId: string, url: string) => `${tenantId} ${url}`;
