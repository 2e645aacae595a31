// Checks a ScheduleInput as it arrives from the browser (types are not guaranteed at run time)
// and lists every invalid field at once, so the form can mark them all.
import { isTextMode, TEXT_MODES } from '../../../shared/index';
import type { NotifyWhen, Recurrence, ScheduleInput } from '../rpc';
import { normalizeRecurrence, recurrenceProblems, type FieldProblem } from './recurrence';

export const MAX_NAME_CHARS = 100;

export type ValidScheduleInput = Omit<ScheduleInput, 'recurrence' | 'notify' | 'confirmed'> & { recurrence: Recurrence; notify: NotifyWhen };

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}

export function validateScheduleInput(
  input: unknown,
  sheets: readonly { id: number; name: string }[],
): { ok: true; value: ValidScheduleInput } | { ok: false; fields: FieldProblem[] } {
  if (typeof input !== 'object' || input === null) {
    return { ok: false, fields: [{ field: 'schedule', message: 'No schedule was sent.' }] };
  }
  const i = input as Record<string, unknown>;
  const fields: FieldProblem[] = [];
  const id = i.id === undefined || i.id === null || i.id === '' ? undefined : i.id;
  if (id !== undefined && typeof id !== 'string') fields.push({ field: 'id', message: `Schedule id must be text (got ${shown(id)}).` });

  const name = typeof i.name === 'string' ? i.name.replace(/\s+/g, ' ').trim() : '';
  const nameChars = Array.from(name).length;
  if (nameChars < 1 || nameChars > MAX_NAME_CHARS) {
    fields.push({ field: 'name', message: `Name must be 1 to ${MAX_NAME_CHARS} characters (got ${nameChars}).` });
  }
  if (!sheets.some((s) => s.id === i.sheetId)) {
    const names = sheets.map((s) => s.name).join(', ');
    fields.push({ field: 'sheetId', message: `Choose a sheet of this spreadsheet (${names}); sheet id ${shown(i.sheetId)} does not exist.` });
  }
  fields.push(...recurrenceProblems(i.recurrence));
  if (i.scope !== 'not_done' && i.scope !== 'all') {
    fields.push({ field: 'scope', message: `Rows must be "not_done" (rows not DONE) or "all" (got ${shown(i.scope)}).` });
  }
  if (typeof i.maxCostUsd !== 'number' || !Number.isFinite(i.maxCostUsd) || i.maxCostUsd <= 0) {
    fields.push({ field: 'maxCostUsd', message: `Cost cap per run must be more than $0 (got ${shown(i.maxCostUsd)}).` });
  }
  const notify = i.notify === undefined ? 'problems' : i.notify;
  if (notify !== 'problems' && notify !== 'every_run') {
    fields.push({ field: 'notify', message: `E-mail must be "problems" (failures, cap hit, cannot start) or "every_run" (got ${shown(i.notify)}).` });
  }
  if (i.textDefault !== undefined && !isTextMode(i.textDefault)) {
    fields.push({ field: 'textDefault', message: `Text must be one of ${TEXT_MODES.join(', ')} (got ${shown(i.textDefault)}).` });
  }
  if (typeof i.enabled !== 'boolean') fields.push({ field: 'enabled', message: `Enabled must be true or false (got ${shown(i.enabled)}).` });
  if (fields.length) return { ok: false, fields };

  const value: ValidScheduleInput = {
    name,
    sheetId: i.sheetId as number,
    recurrence: normalizeRecurrence(i.recurrence as Recurrence),
    scope: i.scope as 'not_done' | 'all',
    maxCostUsd: i.maxCostUsd as number,
    enabled: i.enabled as boolean,
    notify: notify as NotifyWhen,
    // Overlay is the backend's default: kept only when another mode was chosen.
    ...(i.textDefault === 'model' || i.textDefault === 'none' ? { textDefault: i.textDefault } : {}),
  };
  if (typeof id === 'string') value.id = id;
  return { ok: true, value };
}
