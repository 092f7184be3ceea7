import type { INestApplication } from '@nestjs/common';
import type { ErrorBody } from '@org/contracts';
import { SERVICE_CONFIG } from '@org/service';
import { TokenBucket } from 'limiter';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { keyHashOf } from '../auth/tenant-keys';
import type { GatewayConfig } from '../config';

/** What one request took from its key's budget: the RateLimit-* headers, and how long to wait when refused. */
export interface Admission {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

/**
 * SPEC §5's request budget: a token bucket per key (`limiter`'s TokenBucket), refilled at
 * `perSecond` up to `burst`. Buckets live in this gateway's memory, keyed by the key's hash: one
 * client over its budget costs the others nothing, and an idle bucket (full again) is dropped.
 * Several gateways each give a key its budget (documented in the README).
 */
export class RequestBudgets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; usedAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    // A bucket idle for longer than it takes to refill is full: the same as a new one.
    const idleMs = Math.max(1_000, (burst / perSecond) * 1_000);
    this.sweeper = setInterval(() => {
      const before = Date.now() - idleMs;
      for (const [key, entry] of this.buckets) if (entry.usedAt < before) this.buckets.delete(key);
    }, idleMs);
    this.sweeper.unref();
  }

  take(keyHash: string): Admission {
    let entry = this.buckets.get(keyHash);
    if (!entry) {
      const bucket = new TokenBucket({ bucketSize: this.burst, tokensPerInterval: this.perSecond, interval: 'second' });
      bucket.content = this.burst; // limiter's buckets start empty; a new client may burst
      entry = { bucket, usedAt: 0 };
      this.buckets.set(keyHash, entry);
    }
    entry.usedAt = Date.now();
    const allowed = entry.bucket.tryRemoveTokens(1);
    const remaining = Math.max(0, Math.floor(entry.bucket.content));
    const untilFull = Math.ceil((this.burst - entry.bucket.content) / this.perSecond);
    const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil(entry.bucket.getWaitTime(1) / 1_000));
    return {
      allowed,
      retryAfterSeconds,
      headers: {
        'RateLimit-Limit': String(this.burst),
        'RateLimit-Remaining': String(remaining),
        'RateLimit-Reset': String(allowed ? Math.max(0, untilFull) : retryAfterSeconds),
      },
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

/**
 * Every call that carries a key spends from its budget before anything else runs (the cached
 * read path included): a 429 `RATE_LIMITED` with `Retry-After` when it is empty, and the
 * RateLimit-* headers on every answer. Calls without a key (health, docs, the dashboard's
 * files) have no budget.
 */
export function limitRequests(app: INestApplication): void {
  const config = app.get<GatewayConfig>(SERVICE_CONFIG);
  const budgets = new RequestBudgets(config.GATEWAY_RATE_LIMIT_PER_S, config.GATEWAY_RATE_LIMIT_BURST);
  const server = app.getHttpServer() as Server;
  const next = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('close', () => budgets.close());
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const keyHash = keyHashOf(req);
    if (keyHash) {
      const admission = budgets.take(keyHash);
      for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
      if (!admission.allowed) {
        const body: ErrorBody = {
          error: {
            code: 'RATE_LIMITED',
            message: `this key is over its request budget (${config.GATEWAY_RATE_LIMIT_PER_S}/s, bursts of ${config.GATEWAY_RATE_LIMIT_BURST}); retry after ${admission.retryAfterSeconds} s`,
            details: { retryAfterSeconds: admission.retryAfterSeconds },
          },
        };
        res.statusCode = 429;
        res.setHeader('Retry-After', String(admission.retryAfterSeconds));
        res.setHeader('content-type', 'application/json; charset=utf-8');
        req.resume(); // the body is not read: drain it so the connection can be reused
        return void res.end(JSON.stringify(body));
      }
    }
    next.forEach((handle) => handle(req, res));
  });
}
