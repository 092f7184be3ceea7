import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { checkRequestText, type ParsedRequest } from '@org/errors';

/** SPEC §5: a body over 1 MB answers 413 `PAYLOAD_TOO_LARGE`. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How every service reads a request, gateway and backends alike: JSON (and form) bodies up to
 * MAX_BODY_BYTES, then text PostgreSQL cannot store or an overlong id refused, in the path, the
 * query or the body (`checkRequestText`). Mounted before Nest's own parsers would be, which then
 * stay out; whatever is refused goes, like every error, to the ErrorFilter.
 */
export function parseRequests(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: false });
  express.use((req: ParsedRequest, _res: unknown, next: (error?: unknown) => void) => {
    try {
      checkRequestText(req);
    } catch (error) {
      return next(error);
    }
    next();
  });
}
