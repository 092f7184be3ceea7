import { idSchema } from '@org/contracts';
import { NotFoundError, ValidationError } from '@org/errors';
import { z } from 'zod';

/** An id that cannot exist (not a UUID) answers 404 like an unknown one, as everywhere in the API. */
export function knownId(what: string, id: string): string {
  if (!z.uuid().safeParse(id).success) throw new NotFoundError(what, id);
  return id;
}

/** The cursor of a page of users: after this user id. */
export const encodeCursor = (userId: string) => Buffer.from(userId, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  const userId = Buffer.from(cursor, 'base64url').toString('utf8');
  // Every user id is an id of the contracts; one that is not (a NUL, say) was never handed out.
  if (!idSchema.safeParse(userId).success || Buffer.from(userId, 'utf8').toString('base64url') !== cursor) {
    throw new ValidationError('cursor is not one this API returned', [{ field: 'cursor', message: 'invalid' }]);
  }
  return userId;
}
