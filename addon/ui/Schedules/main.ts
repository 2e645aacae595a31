// Schedules sidebar: the list (Run now, Test, Edit, Delete), the create/edit form, and the
// recent run log.
import type { Schedule, SchedulesView } from '../../server/rpc';
import { byId, clearBanner, confirmInline, el, replace, showBanner, whileBusy } from '../common/dom';
import { usd, when } from '../common/format';
import { call, callOrShow, errorText } from '../common/rpc';
import { describeRecurrence } from '../../server/schedules/recurrence';
import { runNow, testOneRow } from './actions';
import { notifyText, outcomeText, rowsText } from './describe';
import { closeForm, formInput, initForm, markInvalid, openForm } from './schedule-form';

let view: SchedulesView | null = null;

function scheduleItem(v: SchedulesView, s: Schedule): HTMLLIElement {
  const sheet = v.sheets.find((x) => x.id === s.sheetId)?.name ?? `sheet ${s.sheetId} (deleted?)`;
  const edit = el('button', { type: 'button', class: 'small edit', 'aria-label': `Edit ${s.name}` }, 'Edit');
  edit.addEventListener('click', () => openForm(v, s));
  const remove = el('button', { type: 'button', class: 'small danger delete', 'aria-label': `Delete ${s.name}` }, 'Delete');
  const now = el('button', { type: 'button', class: 'small run-now', 'aria-label': `Run ${s.name} now` }, 'Run now');
  const test = el('button', { type: 'button', class: 'small test', 'aria-label': `Test ${s.name} on one row` }, 'Test');
  const actions = el('div', { class: 'actions' }, now, test, edit, remove);
  now.addEventListener('click', () => runNow(now, actions, s, render));
  test.addEventListener('click', () => testOneRow(test, s));
  remove.addEventListener('click', () => confirmInline(actions, {
    label: `Delete ${s.name}?`,
    text: `Delete “${s.name}”?`,
    confirm: async () => {
      const next = await callOrShow('deleteSchedule', s.id);
      if (!next) return;
      showBanner('success', `Deleted “${s.name}”.`);
      render(next);
    },
  }));
  return el('li', { 'data-schedule-id': s.id },
    el('div', { class: 'card-title' }, el('strong', {}, s.name), el('span', { class: `chip ${s.enabled ? 'DONE' : ''}` }, s.enabled ? 'On' : 'Paused')),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Sheet'), el('dd', {}, sheet),
      el('dt', {}, 'Repeat'), el('dd', { class: 'recurrence' }, describeRecurrence(s.recurrence)),
      el('dt', {}, 'Rows'), el('dd', { class: 'rows' }, rowsText(s)),
      el('dt', {}, 'Cost cap'), el('dd', {}, `${usd(s.maxCostUsd)}${s.recurrence.every === 'form_submit' ? ' a day' : ' a run'}`),
      el('dt', {}, 'E-mail'), el('dd', { class: 'notify' }, notifyText(s.notify ?? 'problems')),
      el('dt', {}, 'Next run'), el('dd', { class: 'next-run' }, !s.enabled ? '—' : s.recurrence.every === 'form_submit' ? 'on each response' : when(s.nextRunAt, v.timeZone)),
      el('dt', {}, 'Runs as'), el('dd', { class: 'owner' }, s.ownedByMe === false ? 'another editor (their sign-in)' : 'you (your sign-in)')),
    actions);
}

function render(v: SchedulesView): void {
  view = v;
  byId('schedules').setAttribute('aria-busy', 'false');
  byId('tz').textContent = `Times are in the spreadsheet's time zone (${v.timeZone}).${v.schedules.length > 0 && !v.triggerInstalled ? ' The hourly timer is not installed yet: save a schedule to install it.' : ''}`;
  replace(byId('schedules'), ...(v.schedules.length > 0 ? v.schedules.map((s) => scheduleItem(v, s)) : [el('li', { class: 'muted' }, 'No schedules yet.')]));
  const runs = [...v.runs].sort((a, b) => b.at.localeCompare(a.at));
  replace(byId('runs'), ...(runs.length > 0 ? runs.map((r) => {
    const name = v.schedules.find((s) => s.id === r.scheduleId)?.name ?? 'Deleted schedule';
    return el('li', {},
      el('div', { class: 'card-title' }, el('strong', {}, name), el('span', { class: 'muted' }, when(r.at, v.timeZone))),
      el('div', { class: `outcome-${r.outcome}` }, `${r.via === 'test' ? 'Test · ' : r.via === 'run_now' ? 'Run now · ' : ''}${outcomeText(r.outcome)} · ${r.rows} rows${r.batchId ? ` · batch ${r.batchId}` : ''}`),
      r.message ? el('div', { class: 'muted' }, r.message) : null);
  }) : [el('li', { class: 'muted' }, 'No runs yet.')]));
}

initForm();

byId('new').addEventListener('click', () => {
  if (view) openForm(view, null);
});
byId('cancel-edit').addEventListener('click', () => {
  closeForm();
  byId('new').focus();
});

/** Saves the form; an "All rows" schedule over DONE rows is confirmed first, in place of the buttons. */
async function save(confirmed: boolean): Promise<void> {
  clearBanner();
  const input = { ...formInput(), confirmed };
  const result = await call('saveSchedule', input);
  if (!result.ok && result.error.code === 'needs_confirmation' && !confirmed) {
    const actions = byId('form-actions');
    confirmInline(actions, {
      label: 'Save an All rows schedule?', text: result.error.message, yes: 'Save anyway',
      confirm: async () => {
        await save(true);
        document.querySelector('#schedule-form .confirm')?.replaceWith(actions);
      },
    });
    return;
  }
  if (!result.ok) {
    markInvalid(result.error.fields ?? []);
    showBanner('error', errorText(result.error));
    return;
  }
  markInvalid([]);
  closeForm();
  showBanner(result.value.notice ? 'info' : 'success', result.value.notice ? `Saved “${input.name}”. ${result.value.notice}` : `Saved “${input.name}”.`);
  render(result.value);
}

byId('schedule-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void whileBusy(byId<HTMLButtonElement>('save'), () => save(false));
});

void callOrShow('getSchedules').then((v) => {
  if (v) render(v);
});
