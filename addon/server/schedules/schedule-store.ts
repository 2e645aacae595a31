// The document's schedules: one JSON array in document properties, shared by all its users.
// Each remembers its owner (the `currentUserId` of whoever saved it last): only the owner's
// hourly trigger runs it, with the owner's sign-in (API key or Google sign-in).
import { isTextMode, type TextMode } from '../../../shared/index';
import { AddonError } from '../result';
import type { PropertyStore } from '../services/ports';
import type { Schedule } from '../rpc';
import { MAX_VALUE_BYTES, parseJson, utf8Bytes } from '../services/property-limits';
import { recurrenceProblems } from './recurrence';

export const SCHEDULES_KEY = 'rowshot.schedules';
/** With names up to 100 characters, 20 schedules stay under the 9 KB a property value may hold. */
export const MAX_SCHEDULES = 20;

/** A schedule as stored. `ownerId` is absent on schedules saved before owners existed. */
export interface StoredSchedule extends Omit<Schedule, 'ownedByMe'> {
  ownerId?: string;
}

/** The rows a schedule's run takes: the new rows for On form submit and New rows schedules. */
export function runScope(x: Pick<StoredSchedule, 'recurrence' | 'scope'>): 'not_done' | 'all' | 'new' {
  return x.recurrence.every === 'form_submit' || x.recurrence.every === 'new_rows' ? 'new' : x.scope;
}

/** The schedule's Text default as run options (none set: the backend's overlay). */
export function textOf(x: Pick<StoredSchedule, 'textDefault'>): { textDefault?: TextMode } {
  return x.textDefault === undefined ? {} : { textDefault: x.textDefault };
}

/** Saving would break a storage limit; the message says which and what to do. */
export class ScheduleStoreLimitError extends AddonError {
  constructor(message: string) {
    super('invalid_request', message);
    this.name = 'ScheduleStoreLimitError';
  }
}

function isSchedule(v: unknown): v is StoredSchedule {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.id === 'string' && typeof s.name === 'string' && typeof s.sheetId === 'number' &&
    (s.scope === 'not_done' || s.scope === 'all') && typeof s.maxCostUsd === 'number' && typeof s.enabled === 'boolean' &&
    typeof s.createdAt === 'string' && typeof s.nextRunAt === 'string' && recurrenceProblems(s.recurrence).length === 0 &&
    (s.ownerId === undefined || typeof s.ownerId === 'string') &&
    (s.notify === undefined || s.notify === 'problems' || s.notify === 'every_run') &&
    (s.textDefault === undefined || isTextMode(s.textDefault))
  );
}

/** In the order they were created; entries that are not well-formed schedules are dropped. */
export function readSchedules(props: PropertyStore): StoredSchedule[] {
  const value = parseJson(props.get(SCHEDULES_KEY));
  return Array.isArray(value) ? value.filter(isSchedule) : [];
}

/** Throws ScheduleStoreLimitError (nothing written) past 20 schedules or 9 KB. */
export function writeSchedules(props: PropertyStore, schedules: readonly StoredSchedule[]): void {
  if (schedules.length > MAX_SCHEDULES) {
    throw new ScheduleStoreLimitError(`A document can hold at most ${MAX_SCHEDULES} schedules: delete one before adding another.`);
  }
  if (schedules.length === 0) {
    props.delete(SCHEDULES_KEY);
    return;
  }
  const json = JSON.stringify(schedules);
  if (utf8Bytes(json) > MAX_VALUE_BYTES) {
    throw new ScheduleStoreLimitError(
      `The schedules no longer fit in the 9 KB the document keeps for them (${MAX_SCHEDULES} at most): shorten some names or delete a schedule.`,
    );
  }
  props.set(SCHEDULES_KEY, json);
}

/** Re-reads, changes one schedule and writes back, so a concurrent edit of another one is kept. */
export function updateSchedule(props: PropertyStore, id: string, change: (s: StoredSchedule) => StoredSchedule): StoredSchedule | null {
  const all = readSchedules(props);
  const index = all.findIndex((s) => s.id === id);
  const current = all[index];
  if (!current) return null;
  const next = change(current);
  all[index] = next;
  writeSchedules(props, all);
  return next;
}
