import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { DomainError, NotFoundError } from '@org/errors';
import { INTERNAL_TOKEN_HEADER, KEY_HEADER, SERVICE_CONFIG, TENANT_HEADER } from '@org/service';
import { CurrentKey, CurrentTenant } from '../auth/api-key.guard';
import type { GatewayConfig } from '../config';
import { type CachedAnswer, ViewCache } from '../view-cache/view-cache';
import { upstreamOf } from './routes';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface ForwardRequest {
  method: string;
  originalUrl: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface ForwardResponse extends Writable {
  status(code: number): ForwardResponse;
  setHeader(name: string, value: string): void;
  send(body?: Buffer): void;
  end(): this;
}

const UPSTREAM_TIMEOUT_MS = 15_000;

/**
 * Every tenant call the gateway does not answer itself goes to the service that owns it,
 * with the internal credential, the authenticated tenant and its key (for the audit); the answer
 * comes back as is.
 */
@Controller()
export class ForwardHttpController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly cache: ViewCache,
  ) {}

  @All('v1/*path')
  async forward(
    @CurrentTenant() tenantId: string,
    @CurrentKey() keyId: string,
    @Req() req: ForwardRequest,
    @Res() res: ForwardResponse,
  ) {
    const base = upstreamOf(req.originalUrl, this.config);
    if (!base) throw new NotFoundError('route', `${req.method} ${req.originalUrl.split('?')[0]}`);
    const instanceId = this.cache.instanceOf(req.method, req.originalUrl);
    if (instanceId) {
      const hit = this.cache.get(tenantId, req.originalUrl);
      if (hit) return reply(res, hit);
    }
    const version = instanceId ? this.cache.versionOf(instanceId) : '';
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(req.method) && req.body !== undefined;
    let answer: Response;
    try {
      answer = await fetch(new URL(req.originalUrl, base), {
        method: req.method,
        headers: {
          [INTERNAL_TOKEN_HEADER]: this.config.INTERNAL_API_TOKEN,
          [TENANT_HEADER]: tenantId,
          [KEY_HEADER]: keyId,
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          // The answer's format (the reclamation report also speaks text/csv).
          ...(req.headers.accept ? { accept: String(req.headers.accept) } : {}),
        },
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DomainError('SERVICE_UNAVAILABLE', `the service behind ${base} did not answer`, null, { cause: error });
    }
    if (!instanceId) return stream(answer, res);
    const fetched = {
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? 'application/json',
      body: Buffer.from(await answer.arrayBuffer()),
    };
    if (instanceId) this.cache.store(tenantId, req.originalUrl, instanceId, version, fetched);
    reply(res, fetched);
  }
}

/** An answer nothing caches goes through as it comes (a CSV of every seat is never held whole). */
async function stream(answer: Response, res: ForwardResponse): Promise<void> {
  res.status(answer.status);
  if (!answer.body || answer.status === 204) return void res.end();
  res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
  const disposition = answer.headers.get('content-disposition');
  if (disposition) res.setHeader('content-disposition', disposition);
  try {
    await pipeline(Readable.fromWeb(answer.body as never), res);
  } catch {
    // The service failed mid-answer: the status is sent already, so the client sees a cut answer.
    res.destroy();
  }
}

function reply(res: ForwardResponse, answer: CachedAnswer) {
  res.status(answer.status);
  if (!answer.body.length) return res.end();
  res.setHeader('content-type', answer.contentType);
  res.send(answer.body);
}
