import type { z } from 'zod';

export interface FieldProblem {
  /** Where in what the caller passed: `users[3].email`, or `[12].at` for the 13th of a list. */
  field: string;
  message: string;
}

/** An event that does not satisfy the contract (SPEC §4); nothing of the call was sent. */
export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: FieldProblem[],
  ) {
    super(
      `invalid ${eventType}: ${problems
        .slice(0, 5)
        .map((p) => `${p.field || '(event)'}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
    );
    this.name = 'InvalidEventError';
  }
}

/** Zod issues of an envelope, as fields of the caller's input (`data.` dropped, list position first). */
export function problemsOf(error: z.ZodError, position?: number): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path[0] === 'data' ? issue.path.slice(1) : issue.path;
    let field = position === undefined ? '' : `[${position}]`;
    for (const part of path)
      field += typeof part === 'number' ? `[${part}]` : field ? `.${String(part)}` : String(part);
    return { field, message: issue.message };
  });
}
