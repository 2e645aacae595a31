// What an On form submit schedule has spent today (estimated cost of the rows it started), in
// the spreadsheet's time zone, so its cap holds per day however many responses arrive. One
// small document property per schedule; read and written under the document lock.
import type { PropertyStore } from '../services/ports';
import { parseJson } from '../services/property-limits';

const key = (scheduleId: string): string => `rowshot.formSpend.${scheduleId}`;

export interface DailySpend {
  /** yyyy-MM-dd in the spreadsheet's time zone. */
  day: string;
  usd: number;
  /** Whether today's "cap reached" e-mail went out. */
  capNoticeSent: boolean;
}

export function localDay(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function readSpend(props: PropertyStore, scheduleId: string, day: string): DailySpend {
  const v = parseJson(props.get(key(scheduleId))) as Partial<DailySpend> | null;
  if (v === null || typeof v !== 'object' || v.day !== day || typeof v.usd !== 'number') return { day, usd: 0, capNoticeSent: false };
  return { day, usd: v.usd, capNoticeSent: v.capNoticeSent === true };
}

export function writeSpend(props: PropertyStore, scheduleId: string, spend: DailySpend): void {
  props.set(key(scheduleId), JSON.stringify(spend));
}
