import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Query } from '@nestjs/common';
import { auditQuery } from '@org/contracts';
import { parseQuery, ValidationError } from '@org/errors';
import { CurrentTenant } from '../auth/api-key.guard';
import { AuditEntry } from './audit-entry.entity';

/** Where a page ended: the last entry's time and place in arrival order. */
interface Cursor {
  at: string;
  seq: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.at, c.seq])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const [at, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof seq === 'string' && /^\d{1,19}$/.test(seq))
      return { at, seq };
  } catch {
    // Not JSON: refused below like any other cursor this API never gave.
  }
  throw new ValidationError('cursor is not one this API returned', [{ field: 'cursor', message: 'invalid' }]);
}

/** SPEC §5 `GET /v1/audit`: the tenant's changes, newest first, bounded by time and paged. */
@Controller('v1/audit')
export class AuditHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  async list(@CurrentTenant() tenantId: string, @Query() q: unknown) {
    const { from, to, limit, cursor } = parseQuery(auditQuery, q);
    const after = cursor === undefined ? null : decodeCursor(cursor);
    const found = await this.em.fork().find(
      AuditEntry,
      {
        tenantId,
        ...(from || to
          ? { at: { ...(from ? { $gte: new Date(from) } : {}), ...(to ? { $lte: new Date(to) } : {}) } }
          : {}),
        ...(after
          ? {
              $or: [{ at: { $lt: new Date(after.at) } }, { at: new Date(after.at), seq: { $lt: after.seq } }],
            }
          : {}),
      },
      { orderBy: [{ at: 'desc' }, { seq: 'desc' }], limit: limit + 1 },
    );
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((e) => ({
        at: e.at.toISOString(),
        keyId: e.keyId,
        action: e.action,
        target: e.target,
        details: e.details,
      })),
      nextCursor: found.length > limit && last ? encodeCursor({ at: last.at.toISOString(), seq: last.seq }) : null,
    };
  }
}
