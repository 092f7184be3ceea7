import { Type } from '@mikro-orm/core';
import { dayToIso, isoToDay } from '@org/days';

/**
 * A `date` column as the day number the code computes with (libs/days): days are compared
 * and counted everywhere, and an ISO string or a Date at midnight of some zone would be
 * converted back and forth at every use.
 */
export class DayType extends Type<number, string> {
  override convertToDatabaseValue(day: number | string): string {
    return typeof day === 'number' ? dayToIso(day) : day;
  }

  override convertToJSValue(value: string | Date | number): number {
    if (typeof value === 'number') return value;
    return isoToDay(typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));
  }

  override getColumnType(): string {
    return 'date';
  }

  override compareAsType(): string {
    return 'number';
  }
}
