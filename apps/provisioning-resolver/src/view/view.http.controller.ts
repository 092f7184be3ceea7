import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { dayUsersQuery, viewRangeQuery } from '@org/contracts';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { NotFoundError, parseQuery, parseRequest, ValidationError } from '@org/errors';
import { TenantId } from '@org/service';
import { z } from 'zod';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { estimateAccuracy } from './estimate-accuracy';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { inOneSnapshot, readViewDays, storedViewJson, todayOf, usersOfDay, viewStateOf } from './read-view';
import { decodeCursor, encodeCursor, knownId } from '../request-ids';
import { shownDay } from './view-day.entity';
import { rebuildOf } from './view-writer';
import { type ViewDay, viewDays } from './view-days';

/** SPEC §5: at most this many days in one answer. */
export const MAX_DAYS = 3660;
const DEFAULT_DAYS = 30;

const day = z.iso.date();

/** The per-instance daily view (SPEC §5), read from one consistent snapshot of the database. */
@Controller('v1')
export class ViewHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get('instances/:id/provisioning')
  async provisioning(
    @TenantId() tenantId: string,
    @Param('id') id: string,
    @Query() q: unknown,
    @Res({ passthrough: true }) res: { type(contentType: string): unknown },
  ) {
    const instance = knownId('instance', id);
    const range = parseQuery(viewRangeQuery, q);
    if (range.from && range.to) {
      const { from, to } = await dayRange(this.em, tenantId, range);
      const json = await storedViewJson(this.em.fork(), tenantId, instance, from, to);
      if (json !== null) {
        res.type('application/json');
        return json;
      }
    }
    return this.read(async (em) => {
      const { from, to } = await dayRange(em, tenantId, range);
      const { state, days } = await readViewDays(em, tenantId, instance, from, to);
      return { instanceId: instance, rebuild: rebuildOf(state), days: days.map(shownDay) };
    });
  }

  @Get('instances/:id/provisioning/:day/users')
  users(@TenantId() tenantId: string, @Param('id') id: string, @Param('day') dayParam: string, @Query() q: unknown) {
    const instance = knownId('instance', id);
    const onDay = isoToDay(parseRequest(day, dayParam));
    const { limit, cursor } = parseQuery(dayUsersQuery, q);
    const after = cursor === undefined ? '' : decodeCursor(cursor);
    return this.read(async (em) => {
      const { days } = await readViewDays(em, tenantId, instance, onDay, onDay);
      const items = await usersOfDay(em, tenantId, instance, days[0], after, limit + 1);
      const page = items.slice(0, limit);
      return {
        day: dayToIso(onDay),
        source: days[0].source,
        items: page,
        nextCursor: items.length > limit ? encodeCursor(page[page.length - 1].userId) : null,
      };
    });
  }

  @Get('instances/:id/estimate-accuracy')
  accuracy(@TenantId() tenantId: string, @Param('id') id: string, @Query() q: unknown) {
    const instance = knownId('instance', id);
    const range = parseQuery(viewRangeQuery, q);
    return this.read(async (em) => {
      const { from, to } = await dayRange(em, tenantId, range);
      const { days } = await readViewDays(em, tenantId, instance, from, to);
      const accuracy = await estimateAccuracy(em, tenantId, instance, days);
      return { instanceId: instance, days: accuracy.map((a) => ({ ...a, day: dayToIso(a.day) })) };
    });
  }

  /** What deleting the connection would change, day by day (R12), computed and not stored. */
  @Get('connections/:id/delete-preview')
  deletePreview(@TenantId() tenantId: string, @Param('id') id: string) {
    const connectionId = knownId('connection', id);
    return this.read(async (em) => {
      const connection = await em.findOne(
        ConnectionFact,
        { connectionId, tenantId },
        { fields: ['instanceId', 'purged', 'periods'], disableIdentityMap: true },
      );
      if (!connection) throw new NotFoundError('connection', connectionId);
      if (connection.purged || !connection.periods.length) return { connectionId, days: [] };
      const timeZone = await timeZoneOf(em, tenantId);
      const today = dayOf(Date.now(), timeZone);
      const state = await viewStateOf(em, tenantId, connection.instanceId);
      const first = dayOf(Date.parse(connection.periods[0].from), timeZone);
      const last = Math.min(today, Math.max(...connection.periods.map((p) => periodLastDay(p, timeZone, today))));
      if (!state || first > last) return { connectionId, days: [] };
      const { days: before } = await readViewDays(em, tenantId, connection.instanceId, first, last);
      const facts = await loadInstanceFacts(
        em,
        { instanceId: connection.instanceId, tenantId, generation: 'serving', without: connectionId },
        first,
        last,
      );
      const after = viewDays(facts, first, last);
      return {
        connectionId,
        days: before.flatMap((b, i) =>
          connection.periods.some(
            (p) => dayOf(Date.parse(p.from), timeZone) <= b.day && b.day <= periodLastDay(p, timeZone, today),
          )
            ? [{ day: dayToIso(b.day), before: summaryOf(b), after: summaryOf(after[i]) }]
            : [],
        ),
      };
    });
  }

  private read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return inOneSnapshot(this.em, work);
  }
}

const periodLastDay = (p: { to: string | null }, timeZone: string, today: number) =>
  p.to === null ? today : dayOf(Date.parse(p.to), timeZone) - 1;

/** `from`/`to` default to the 30 days up to today in the tenant's zone. */
async function dayRange(em: EntityManager, tenantId: string, range: { from?: string; to?: string }) {
  const to = range.to
    ? isoToDay(range.to)
    : range.from
      ? isoToDay(range.from) + DEFAULT_DAYS - 1
      : await todayOf(em, tenantId);
  const from = range.from ? isoToDay(range.from) : to - DEFAULT_DAYS + 1;
  if (from > to) throw new ValidationError('from must not be after to', [{ field: 'from', message: 'after to' }]);
  if (to - from + 1 > MAX_DAYS) {
    throw new ValidationError(`at most ${MAX_DAYS} days per request`, [{ field: 'to', message: 'range too long' }]);
  }
  return { from, to };
}

const summaryOf = (d: ViewDay) => ({ source: d.source, provisionedUsers: d.provisionedUsers });
