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
  413: 'VALIDATION_FAILED',
  415: 'VALIDATION_FAILED',
};

/**
 * The one place errors become HTTP answers, in the SPEC's body. Nest's own exceptions
 * (unknown route, malformed JSON, body too large) keep their 4xx status; anything
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
    if (error instanceof DomainError) {
      return [
        error.httpStatus,
        { error: { code: error.code, message: error.message, details: error.details ?? null } },
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
