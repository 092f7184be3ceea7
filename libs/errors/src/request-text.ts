import { MAX_ID_LENGTH } from '@org/contracts';
import { ValidationError } from './domain-error';

/** Our bodies nest three levels; a deeper one is refused before anything walks it recursively (`JSON.stringify`). */
export const MAX_BODY_DEPTH = 32;

// PostgreSQL's text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form (the driver
// would store U+FFFD instead). In a path or a query no control character makes sense either.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;

export interface TextProblem {
  field: string;
  message: string;
}

function problemOf(text: string, controls: boolean): string | null {
  const found = controls
    ? CONTROL_OR_LONE_SURROGATE.exec(text)?.[0]
    : text.includes('\u0000')
      ? '\u0000'
      : LONE_SURROGATE.exec(text)?.[0];
  if (found === undefined) return null;
  const code = `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (found === '\u0000') return 'holds a NUL character, which cannot be stored';
  if (LONE_SURROGATE.test(found)) return `holds a lone UTF-16 surrogate (${code}), which is not Unicode text`;
  return `holds a control character (${code})`;
}

/**
 * The first string (value or key) of a parsed body or query that cannot be stored, with where
 * it is (`a.b.0`); or a nesting deeper than MAX_BODY_DEPTH. Walked without recursion: a 1 MB
 * body can nest half a million levels.
 */
export function findUnstorableText(value: unknown, where: string, controls = false): TextProblem | null {
  const pending: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  const fieldOf = (path: string[]) => (path.length ? path.join('.') : where);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      const message = problemOf(value, controls);
      if (message) return { field: fieldOf(path), message };
    } else if (value !== null && typeof value === 'object') {
      if (path.length >= MAX_BODY_DEPTH)
        return { field: fieldOf(path), message: `nests deeper than ${MAX_BODY_DEPTH} levels` };
      for (const [key, inner] of Object.entries(value)) {
        const message = problemOf(key, controls);
        if (message) return { field: fieldOf([...path, key]), message: `its name ${message}` };
        pending.push({ value: inner, path: [...path, key] });
      }
    }
  }
  return null;
}

/** The first segment of a URL's path that is not an id the SPEC accepts: bad percent-encoding, control characters, over MAX_ID_LENGTH. */
export function findUnfitPathSegment(url: string): TextProblem | null {
  for (const raw of url.split('?')[0].split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { field: 'path', message: `"${raw.slice(0, 40)}" is not percent-encoded UTF-8` };
    }
    const message = problemOf(segment, true);
    if (message) return { field: 'path', message: `a segment ${message}` };
    const length = segment.length > MAX_ID_LENGTH ? [...segment].length : segment.length;
    if (length > MAX_ID_LENGTH)
      return { field: 'path', message: `a segment is ${length} characters long, over the ${MAX_ID_LENGTH} of an id` };
  }
  return null;
}

/** What `checkRequestText` reads of an Express request, once its body is parsed. */
export interface ParsedRequest {
  originalUrl: string;
  query?: unknown;
  body?: unknown;
}

/**
 * SPEC §5: text PostgreSQL cannot store, or an id over 128 characters, answers 400
 * `VALIDATION_FAILED`, in a path as in a query or a body. Checked once per request, after the
 * body is parsed and before any route, so no service (and nothing the gateway forwards) sees it.
 */
export function checkRequestText(req: ParsedRequest): void {
  const problem =
    findUnfitPathSegment(req.originalUrl) ??
    findUnstorableText(req.query, 'query', true) ??
    findUnstorableText(req.body, '(body)');
  if (problem) throw new ValidationError(`${problem.field}: ${problem.message}`, [problem]);
}
