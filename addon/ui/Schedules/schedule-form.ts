// The create/edit form of a schedule.
import type { Recurrence, Schedule, ScheduleInput, SchedulesView } from '../../server/rpc';
import { byId, el, replace } from '../common/dom';

const nameInput = () => byId<HTMLInputElement>('s-name');
const sheetSelect = () => byId<HTMLSelectElement>('s-sheet');
const everySelect = () => byId<HTMLSelectElement>('s-every');
const weekdaySelect = () => byId<HTMLSelectElement>('s-weekday');
const hourSelect = () => byId<HTMLSelectElement>('s-hour');
const capInput = () => byId<HTMLInputElement>('s-cap');
const enabledBox = () => byId<HTMLInputElement>('s-enabled');
const notifyBox = () => byId<HTMLInputElement>('s-notify');
const textSelect = () => byId<HTMLSelectElement>('s-text');

let editingId: string | undefined;

const EVERY_HINTS: Record<string, string> = {
  form_submit: 'Each response is run as it arrives, on the sheet the form writes to. Its result is written back into the response row by Row ID.',
  new_rows: 'Every hour, the rows added since the last run (no Row ID and no Status yet) are run.',
};

/** "09:00", as describeRecurrence words the hour. */
function hourText(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export function initForm(): void {
  replace(hourSelect(), ...Array.from({ length: 24 }, (_, h) => el('option', { value: h, selected: h === 9 }, hourText(h))));
  everySelect().addEventListener('change', syncWhen);
  syncWhen();
}

function syncWhen(): void {
  const every = everySelect().value;
  byId('weekday-wrap').hidden = every !== 'week';
  byId('hour-wrap').hidden = every !== 'day' && every !== 'week';
  // A form schedule runs each response row, a new-rows one the rows added: no Rows choice.
  byId('scope-set').hidden = every === 'form_submit' || every === 'new_rows';
  byId('cap-label').textContent = every === 'form_submit' ? 'Cost cap per day (USD)' : 'Cost cap per run (USD)';
  byId('every-hint').textContent = EVERY_HINTS[every] ?? '';
}

/** Opens the form, empty for a new schedule or filled from one. */
export function openForm(view: SchedulesView, schedule: Schedule | null): void {
  editingId = schedule?.id;
  byId('h-form').textContent = schedule ? `Edit “${schedule.name}”` : 'New schedule';
  replace(sheetSelect(), ...view.sheets.map((s) => el('option', { value: s.id, selected: s.id === schedule?.sheetId }, s.name)));
  nameInput().value = schedule?.name ?? '';
  const r = schedule?.recurrence ?? { every: 'day', hour: 9 };
  everySelect().value = r.every;
  if (r.every === 'day' || r.every === 'week') hourSelect().value = String(r.hour);
  if (r.every === 'week') weekdaySelect().value = String(r.weekday);
  const scope = schedule?.scope ?? 'not_done';
  const radio = document.querySelector<HTMLInputElement>(`#schedule-form input[name="scope"][value="${scope}"]`);
  if (radio) radio.checked = true;
  capInput().value = String(schedule?.maxCostUsd ?? 10);
  enabledBox().checked = schedule?.enabled ?? true;
  notifyBox().checked = schedule?.notify === 'every_run';
  textSelect().value = schedule?.textDefault ?? 'overlay';
  for (const c of document.querySelectorAll('#schedule-form [aria-invalid]')) c.removeAttribute('aria-invalid');
  syncWhen();
  byId('editor').hidden = false;
  nameInput().focus();
}

export function closeForm(): void {
  editingId = undefined;
  byId('editor').hidden = true;
}

function recurrence(): Recurrence {
  const hour = Number(hourSelect().value);
  switch (everySelect().value) {
    case 'hour': return { every: 'hour' };
    case 'week': return { every: 'week', weekday: Number(weekdaySelect().value), hour };
    case 'form_submit': return { every: 'form_submit' };
    case 'new_rows': return { every: 'new_rows' };
    default: return { every: 'day', hour };
  }
}

export function formInput(): ScheduleInput {
  const scope = document.querySelector<HTMLInputElement>('#schedule-form input[name="scope"]:checked')?.value === 'all' ? 'all' : 'not_done';
  const input: ScheduleInput = {
    name: nameInput().value.trim(),
    sheetId: Number(sheetSelect().value),
    recurrence: recurrence(),
    scope,
    maxCostUsd: Number(capInput().value),
    enabled: enabledBox().checked,
    notify: notifyBox().checked ? 'every_run' : 'problems',
  };
  const text = textSelect().value;
  if (text === 'model' || text === 'none') input.textDefault = text;
  if (editingId !== undefined) input.id = editingId;
  return input;
}

/** Marks the inputs the server named in its field errors. */
export function markInvalid(fields: { field: string }[]): void {
  for (const control of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#schedule-form [name]')) {
    if (control.type === 'radio' || control.type === 'checkbox' || control.type === 'submit') continue;
    const bad = fields.some((f) => f.field === control.name || f.field.startsWith(`${control.name}.`));
    if (bad) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}
