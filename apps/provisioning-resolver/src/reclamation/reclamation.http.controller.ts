import { EntityManager } from '@mikro-orm/postgresql';
import { Body, Controller, Get, Headers, Param, Put, Query, StreamableFile } from '@nestjs/common';
import { reclamationQuery, reclamationSettingsRequest } from '@org/contracts';
import { parseQuery, parseRequest } from '@org/errors';
import { recordChange, TenantId } from '@org/service';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { InstanceFact } from '../fact/instance-fact.entity';
import { decodeCursor, encodeCursor, knownId } from '../request-ids';
import { inOneSnapshot } from '../view/read-view';
import { instanceOf, shownSeat, reclamationOf, reclamationSettingsOf, reclamationsOf } from './reclamation-report';
import { ReclamationSettings } from './reclamation-settings.entity';
import type { ReclaimableSeat } from './seats-of-today';
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
      await recordChange(em, {
        tenantId,
        action: 'reclamation-settings.updated',
        target: { type: 'reclamation-settings', id: instanceId },
        details: settingsView(row),
      });
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
    const csv = accept?.includes('text/csv') ?? false;
    // A page and one more seat, to know whether there is a next page; every seat for the CSV.
    const wanted = { reason: reason ?? null, after, limit: csv ? null : limit + 1 };
    const report = await this.read((em) => reclamationOf(em, tenantId, instanceId, wanted));
    const { reclaimable: seats, ...counts } = report;
    if (csv) {
      // Every reclaimable seat (cursor and limit are for pages of JSON), quoted by the library (RFC 4180).
      const rows = Readable.from(shownSeats(seats)).pipe(
        stringify({ header: true, columns: CSV_COLUMNS, record_delimiter: 'windows' }),
      );
      return new StreamableFile(rows, {
        type: 'text/csv; charset=utf-8',
        disposition: `attachment; filename="reclamation-${instanceId}-${report.asOf}.csv"`,
      });
    }
    const page = seats.slice(0, limit);
    return {
      ...counts,
      items: page.map(shownSeat),
      nextCursor: seats.length > limit ? encodeCursor(page[page.length - 1].userId) : null,
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

/** The seats as the CSV shows them, formatted one by one as the stream asks for them. */
function* shownSeats(seats: ReclaimableSeat[]) {
  for (const seat of seats) yield shownSeat(seat);
}
