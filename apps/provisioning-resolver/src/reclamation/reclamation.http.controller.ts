import { EntityManager } from '@mikro-orm/postgresql';
import { Body, Controller, Get, Headers, Param, Put, Query, StreamableFile } from '@nestjs/common';
import { reclamationQuery, reclamationSettingsRequest } from '@org/contracts';
import { parseQuery, parseRequest } from '@org/errors';
import { TenantId } from '@org/service';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { InstanceFact } from '../fact/instance-fact.entity';
import { decodeCursor, encodeCursor, knownId } from '../request-ids';
import { inOneSnapshot } from '../view/read-view';
import {
  instanceOf,
  type ReclaimableSeat,
  shownSeat,
  reclamationOf,
  reclamationSettingsOf,
  reclamationsOf,
} from './reclamation-report';
import { ReclamationSettings } from './reclamation-settings.entity';
import { totalsByCurrency } from './waste';

/** The CSV's columns: the report's items, in their order. */
const CSV_COLUMNS: Array<keyof ReturnType<typeof shownSeat>> = [
  'userId',
  'email',
  'tier',
  'reason',
  'lastActiveAt',
  'provisionedSince',
  'daysInactive',
];

/** License reclamation (R16–R20, SPEC §5): settings per instance, the report, the tenant summary. */
@Controller('v1')
export class ReclamationHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get('instances/:id/reclamation-settings')
  settings(@TenantId() tenantId: string, @Param('id') id: string) {
    const instanceId = knownId('instance', id);
    return this.read(async (em) => {
      await instanceOf(em, tenantId, instanceId);
      return settingsView(await reclamationSettingsOf(em, tenantId, instanceId));
    });
  }

  @Put('instances/:id/reclamation-settings')
  async setSettings(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const instanceId = knownId('instance', id);
    const settings = parseRequest(reclamationSettingsRequest, body);
    // One e-mail once, as given first (they are compared lower-cased).
    const seen = new Set<string>();
    const exemptEmails = settings.exemptEmails.filter((e) => !seen.has(e.toLowerCase()) && seen.add(e.toLowerCase()));
    const stored = await this.em.fork().transactional(async (em) => {
      await instanceOf(em, tenantId, instanceId);
      const row = { ...settings, exemptEmails, instanceId, tenantId };
      await em.upsert(ReclamationSettings, row, { onConflictFields: ['instanceId'], disableIdentityMap: true });
      return row;
    });
    return settingsView(stored);
  }

  @Get('instances/:id/reclamation')
  async report(
    @TenantId() tenantId: string,
    @Param('id') id: string,
    @Query() q: unknown,
    @Headers('accept') accept: string | undefined,
  ) {
    const instanceId = knownId('instance', id);
    const { limit, cursor, reason } = parseQuery(reclamationQuery, q);
    const after = cursor === undefined ? null : decodeCursor(cursor);
    const report = await this.read((em) => reclamationOf(em, tenantId, instanceId));
    const chosen = reason ? report.reclaimable.filter((s) => s.reason === reason) : report.reclaimable;
    if (accept?.includes('text/csv')) {
      // Every reclaimable seat (cursor and limit are for pages of JSON), quoted by the library (RFC 4180).
      const csv = Readable.from(shownSeats(chosen)).pipe(
        stringify({ header: true, columns: CSV_COLUMNS, record_delimiter: 'windows' }),
      );
      return new StreamableFile(csv, {
        type: 'text/csv; charset=utf-8',
        disposition: `attachment; filename="reclamation-${instanceId}-${report.asOf}.csv"`,
      });
    }
    const start = after === null ? 0 : firstAfter(chosen, after);
    const page = chosen.slice(start, start + limit);
    const { reclaimable: _all, ...counts } = report;
    return {
      ...counts,
      items: page.map(shownSeat),
      nextCursor: start + limit < chosen.length ? encodeCursor(page[page.length - 1].seat.userId) : null,
    };
  }

  /** The tenant's instances with seats today, by monthly waste (R19: totals per currency). */
  @Get('reclamation')
  summary(@TenantId() tenantId: string) {
    return this.read(async (em) => {
      const instances = await em.find(
        InstanceFact,
        { tenantId },
        {
          fields: ['instanceId', 'appKey', 'appName', 'firstAssignmentListAt'],
          orderBy: { instanceId: 'asc' },
          disableIdentityMap: true,
        },
      );
      const reports = (await reclamationsOf(em, tenantId, instances)).filter((r) => r.seats.provisioned > 0);
      const named = new Map(instances.map((i) => [i.instanceId, i]));
      const items = reports.map((r) => ({
        instanceId: r.instanceId,
        appKey: named.get(r.instanceId)!.appKey,
        appName: named.get(r.instanceId)!.appName,
        provisioned: r.seats.provisioned,
        reclaimable: r.seats.reclaimable,
        currency: r.currency,
        monthlyWaste: r.monthlyWaste,
      }));
      // Instances come by id, and the sort is stable: equal waste keeps that order.
      items.sort((a, b) => b.monthlyWaste - a.monthlyWaste || b.reclaimable - a.reclaimable);
      const totals = totalsByCurrency(reports.map((r) => ({ ...r, reclaimable: r.seats.reclaimable })));
      return { totals, items };
    });
  }

  private read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return inOneSnapshot(this.em, work);
  }
}

const settingsView = (s: Omit<ReclamationSettings, 'instanceId' | 'tenantId'>) => ({
  inactiveAfterDays: s.inactiveAfterDays,
  exemptEmails: s.exemptEmails,
  currency: s.currency,
  defaultMonthlyPrice: s.defaultMonthlyPrice,
  tierMonthlyPrices: s.tierMonthlyPrices,
});

/** The index of the first seat after `userId` (seats are by user id). */
function firstAfter(seats: ReclaimableSeat[], userId: string): number {
  let lo = 0;
  let hi = seats.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seats[mid].seat.userId <= userId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The seats as the CSV shows them, formatted one by one as the stream asks for them. */
function* shownSeats(seats: ReclaimableSeat[]) {
  for (const seat of seats) yield shownSeat(seat);
}
