import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { DomainError, NotFoundError } from '@org/errors';
import { INTERNAL_TOKEN_HEADER, SERVICE_CONFIG, TENANT_HEADER } from '@org/service';
import { CurrentTenant } from '../auth/api-key.guard';
import type { GatewayConfig } from '../config';
import { upstreamOf } from './routes';

interface ForwardRequest {
  method: string;
  originalUrl: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface ForwardResponse {
  status(code: number): ForwardResponse;
  setHeader(name: string, value: string): void;
  send(body?: string): void;
  end(): void;
}

const UPSTREAM_TIMEOUT_MS = 15_000;

/**
 * Every tenant call the gateway does not answer itself goes to the service that owns it,
 * with the internal credential and the authenticated tenant; the answer comes back as is.
 */
@Controller()
export class ForwardHttpController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {}

  @All('v1/*path')
  async forward(@CurrentTenant() tenantId: string, @Req() req: ForwardRequest, @Res() res: ForwardResponse) {
    const base = upstreamOf(req.originalUrl, this.config);
    if (!base) throw new NotFoundError('route', `${req.method} ${req.originalUrl.split('?')[0]}`);
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(req.method) && req.body !== undefined;
    let answer: Response;
    try {
      answer = await fetch(new URL(req.originalUrl, base), {
        method: req.method,
        headers: {
          [INTERNAL_TOKEN_HEADER]: this.config.INTERNAL_API_TOKEN,
          [TENANT_HEADER]: tenantId,
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
        },
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DomainError('SERVICE_UNAVAILABLE', `the service behind ${base} did not answer`, null, { cause: error });
    }
    const text = await answer.text();
    res.status(answer.status);
    if (!text) return res.end();
    res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
    res.send(text);
  }
}
