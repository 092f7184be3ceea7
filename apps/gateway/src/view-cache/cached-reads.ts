import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { httpDuration } from '@org/service';
import { traceIncoming } from '@org/tracing';
import { keyHashOf, TenantKeys } from '../auth/tenant-keys';
import { ViewCache } from './view-cache';

/**
 * Answers a cached view read on the HTTP server itself, before Express and Nest see it: a
 * known key (TenantKeys, from memory only) and an answer in the ViewCache. This is the hot
 * read of the dashboard and of API clients, and the framework's pipeline (routing, guard,
 * per-request logging) costs several times the answer itself. Anything else — an unknown key,
 * a miss, any other call — goes the normal way, which checks the key, asks the resolver and
 * fills the cache. Hits are not logged one by one.
 */
export function answerCachedReads(app: INestApplication): void {
  const keys = app.get(TenantKeys);
  const cache = app.get(ViewCache);
  const server = app.getHttpServer() as Server;
  const framework = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const hit = cachedAnswer(req);
    // Every call but a hit is traced (tracing.ts turns the instrumentation of incoming calls off).
    if (!hit) return traceIncoming(req, res, () => framework.forEach((handle) => handle(req, res)));
    res.statusCode = hit.status;
    res.setHeader('content-type', hit.contentType);
    res.setHeader('x-cache', 'hit');
    res.end(hit.body);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    httpDuration.observe({ method: 'GET', route: '/v1/instances/:id/* (cached)', status: String(hit.status) }, seconds);
  });

  function cachedAnswer(req: IncomingMessage) {
    if (!req.url || !cache.instanceOf(req.method ?? '', req.url)) return null;
    const keyHash = keyHashOf(req);
    const holder = keyHash ? keys.knownHolderOf(keyHash) : null;
    return holder ? cache.get(holder.tenantId, req.url) : null;
  }
}
