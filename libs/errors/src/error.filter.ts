import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody } from '@org/contracts';
import { randomUUID } from 'node:crypto';
import { type Observable, throwError } from 'rxjs';
import { DomainError } from './domain-error';

interface HttpResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

const HTTP_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED',
};

/** What the body parser (`http-errors`) and the router put on the errors they raise. */
interface FrameworkError {
  status?: unknown;
  expose?: unknown;
  type?: unknown;
  limit?: unknown;
}

/**
 * A client's error caught before any handler ran, as the DomainError the SPEC answers it with:
 * the body parser's (`entity.too.large` → 413 `PAYLOAD_TOO_LARGE`; `entity.parse.failed`,
 * `encoding.unsupported`, `charset.unsupported`, `request.aborted`… → `VALIDATION_FAILED`) and a
 * bad percent-escape's URIError. Null for anything else: that stays unexpected (500).
 */
export function clientErrorOf(thrown: unknown): DomainError | null {
  // Nest 12's Express adapter wraps these in an HttpException; the original is its cause.
  const error = thrown instanceof HttpException && thrown.cause !== undefined ? thrown.cause : thrown;
  if (error instanceof URIError) return new DomainError('VALIDATION_FAILED', `the URL is not UTF-8: ${error.message}`);
  if (!(error instanceof Error)) return null;
  // http-errors marks the errors a client caused (4xx) `expose`: their message is meant for it.
  const { status, expose, type, limit } = error as FrameworkError;
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return null;
  const details = typeof type === 'string' ? { type } : null;
  if (status !== 413) return new DomainError('VALIDATION_FAILED', error.message, details);
  const message = typeof limit === 'number' ? `the body is over the limit of ${limit} bytes` : error.message;
  return new DomainError('PAYLOAD_TOO_LARGE', message, { ...details, limit });
}

/**
 * The one place errors become HTTP answers, in the SPEC's body. Nest's own exceptions
 * (unknown route, malformed JSON) and the body parser's keep their 4xx status; anything
 * unexpected is logged with a correlation id and answered without internals.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    // Kafka handlers: hand the error back untouched, so the consumer can judge it by its code.
    if (host.getType() !== 'http') return throwError(() => error);
    const res = host.switchToHttp().getResponse<HttpResponse>();
    const [status, body] = this.toAnswer(error);
    if (res.headersSent) return;
    res.status(status).json(body);
  }

  private toAnswer(error: unknown): [number, ErrorBody] {
    const known = error instanceof DomainError ? error : clientErrorOf(error);
    if (known) {
      return [
        known.httpStatus,
        { error: { code: known.code, message: known.message, details: known.details ?? null } },
      ];
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const status = error.getStatus();
      const code = HTTP_CODES[status] ?? (status === 405 ? 'NOT_FOUND' : 'VALIDATION_FAILED');
      return [status, { error: { code, message: error.message, details: null } }];
    }
    const correlationId = randomUUID();
    if (error instanceof HttpException && error.getStatus() === 503) {
      return [503, { error: { code: 'SERVICE_UNAVAILABLE', message: error.message, details: { correlationId } } }];
    }
    this.logger.error({ err: error, correlationId }, 'unexpected error');
    return [500, { error: { code: 'INTERNAL', message: 'unexpected error', details: { correlationId } } }];
  }
}
