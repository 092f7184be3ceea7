import { ERROR_CODES, type ErrorCode } from '@org/contracts';

/**
 * What services throw when a rule refuses. Only the code crosses a process boundary,
 * so callers branch on `code`, not on the class. `details` ends up in answers and logs:
 * never put secrets in it.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details: Array<{ field: string; message: string }>) {
    super('VALIDATION_FAILED', message, details);
  }
}
