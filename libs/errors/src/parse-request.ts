import { describeIssues } from '@org/contracts';
import type { z } from 'zod';
import { ValidationError } from './domain-error';

/** Validates an HTTP body or query with a use case's request schema: 400 naming each field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    describeIssues(parsed.error),
    parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
  );
}

/** A query: a parameter given empty (`?limit=&cursor=`) counts as not given. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const given = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, value]) => value !== '');
  return parseRequest(schema, Object.fromEntries(given));
}
