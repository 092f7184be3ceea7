import type { ScimUser } from './scim-user';

export interface ScimServer {
  /** The SCIM base URL; `/Users` is under it. */
  baseUrl: string;
  token: string;
  /** `count` asked per page (RFC 7644 §3.4.2.4); servers may answer fewer. */
  pageSize: number;
  /** Per request: a slower answer counts as a failed attempt. */
  timeoutMs: number;
  /** Attempts per page before the read fails. */
  maxAttempts: number;
  /** First backoff; doubled per attempt, with jitter, at most 30 s. */
  retryBaseMs: number;
}

/** The read failed: nothing may be published from it. */
export class ScimReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScimReadError';
  }
}

interface ListResponse {
  totalResults?: unknown;
  Resources?: unknown;
}

const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Every user of the server, read with `startIndex`/`count` paging (RFC 7644 §3.4.2.4), or a
 * ScimReadError — never part of them. Robust to servers that answer fewer users than asked
 * (the next page starts after what came), that count users twice across pages (kept once),
 * and that answer 429 (Retry-After honoured), 5xx, time out or drop the connection (retried
 * with backoff). A server that ignores `startIndex`, or runs out before its own
 * `totalResults`, fails the read.
 */
export async function readScimUsers(server: ScimServer, sleep = delay): Promise<ScimUser[]> {
  const users = new Map<string, ScimUser>();
  let startIndex = 1;
  let total: number | null = null;
  for (;;) {
    const page = await readPage(server, startIndex, sleep);
    if (typeof page.totalResults === 'number') total = page.totalResults;
    const resources = page.Resources === undefined ? [] : page.Resources;
    if (!Array.isArray(resources)) throw new ScimReadError(`${where(server, startIndex)}: Resources is not a list`);
    let added = 0;
    for (const user of resources as ScimUser[]) {
      const id = typeof user?.id === 'string' ? user.id : null;
      if (!id) throw new ScimReadError(`${where(server, startIndex)}: a user without an id`);
      if (!users.has(id)) added++;
      users.set(id, user);
    }
    if (total !== null && users.size >= total) return [...users.values()];
    if (resources.length === 0) {
      if (total !== null && users.size < total)
        throw new ScimReadError(
          `the server reported ${total} users but returned ${users.size} before an empty page at startIndex=${startIndex}`,
        );
      return [...users.values()];
    }
    if (added === 0)
      throw new ScimReadError(
        `${where(server, startIndex)} repeats users already read: the server ignores startIndex, so its paging cannot be trusted`,
      );
    startIndex += resources.length;
  }
}

async function readPage(server: ScimServer, startIndex: number, sleep: typeof delay): Promise<ListResponse> {
  const url = `${server.baseUrl.replace(/\/+$/, '')}/Users?startIndex=${startIndex}&count=${server.pageSize}`;
  let last = '';
  for (let attempt = 1; attempt <= server.maxAttempts; attempt++) {
    let waitMs = backoff(server.retryBaseMs, attempt);
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${server.token}`, accept: 'application/scim+json, application/json' },
        signal: AbortSignal.timeout(server.timeoutMs),
      });
      if (res.ok) {
        const body = (await res.json().catch(() => null)) as ListResponse | null;
        if (body && typeof body === 'object') return body;
        last = 'an answer that is not JSON';
      } else if (res.status === 429 || res.status >= 500) {
        last = `HTTP ${res.status}`;
        if (res.status === 429) waitMs = retryAfterMs(res.headers.get('retry-after')) ?? waitMs;
        await res.body?.cancel();
      } else {
        const detail = await res.text().catch(() => '');
        // 401, 403, 404…: asking again will not change the answer.
        throw new ScimReadError(`${where(server, startIndex)}: HTTP ${res.status} ${detail.slice(0, 200)}`.trim());
      }
    } catch (error) {
      if (error instanceof ScimReadError) throw error;
      last =
        error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${server.timeoutMs} ms` : String(error);
    }
    if (attempt < server.maxAttempts) await sleep(waitMs);
  }
  throw new ScimReadError(`${where(server, startIndex)}: ${last} on all ${server.maxAttempts} attempts`);
}

const where = (server: ScimServer, startIndex: number) => `${server.baseUrl}/Users at startIndex=${startIndex}`;

function backoff(baseMs: number, attempt: number): number {
  const ms = Math.min(30_000, baseMs * 2 ** (attempt - 1));
  return ms / 2 + Math.random() * (ms / 2);
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), capped. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : null;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
