// The sheet part of the Batch sidebar: header row, editable column mapping, the output columns
// a run adds, and the row counts beside each scope.
import type { ColumnMapping } from '../../../shared/sheet-convention';
import { INPUT_FIELDS, OUTPUT_FIELDS } from '../../../shared/sheet-convention';
import type { Scope, SheetContext } from '../../server/rpc';
import { byId, el, replace } from '../common/dom';
import { plural } from '../common/format';

export function renderContext(ctx: SheetContext): void {
  byId('sheet').setAttribute('aria-busy', 'false');
  byId('sheet-name').textContent = `· ${ctx.sheetName}`;
  const headers = ctx.headers.filter((h) => h.trim() !== '');
  byId('header-line').textContent = `Headers in row ${ctx.headerRow} (${plural(headers.length, 'column')}, ${plural(ctx.counts.rows, 'data row')}):`;
  replace(byId('headers'), ...headers.map((h) => el('span', { class: 'chip' }, h)));
  const warnings = byId('column-warnings');
  replace(warnings, ...ctx.columnWarnings.map((w) => el('li', {}, w)));
  warnings.hidden = ctx.columnWarnings.length === 0;
  renderMapping(ctx);
  const missing = ctx.missingOutputs.map((f) => OUTPUT_FIELDS[f]);
  byId('missing-outputs').textContent = missing.length > 0
    ? `A run adds these columns at the right: ${missing.join(', ')}.`
    : 'All output columns are already in the sheet.';
  const counts: Record<Scope, number> = { selected: ctx.counts.selected, not_done: ctx.counts.notDone, failed: ctx.counts.failed };
  for (const [scope, n] of Object.entries(counts)) {
    const chip = byId(`count-${scope}`);
    chip.textContent = String(n);
    chip.setAttribute('aria-label', plural(n, 'row'));
  }
}

function renderMapping(ctx: SheetContext): void {
  const options = ctx.headers.filter((h) => h.trim() !== '');
  replace(byId('mapping-fields'), ...ctx.inputFields.map((field) => {
    const id = `map-${field}`;
    const current = ctx.mapping[field] ?? '';
    const select = el('select', { id, name: field },
      el('option', { value: '', selected: current === '' }, '— not used —'),
      ...options.map((h) => el('option', { value: h, selected: h === current }, h)));
    return el('div', {}, el('label', { for: id }, INPUT_FIELDS[field]), select);
  }));
}

/** The context's mapping with the input fields as the form now shows them. */
export function mappingFromForm(ctx: SheetContext): ColumnMapping {
  const mapping: ColumnMapping = { ...ctx.mapping };
  for (const field of ctx.inputFields) {
    const select = document.getElementById(`map-${field}`);
    if (!(select instanceof HTMLSelectElement)) continue;
    if (select.value === '') delete mapping[field];
    else mapping[field] = select.value;
  }
  return mapping;
}

export function selectedScope(): Scope {
  const checked = document.querySelector<HTMLInputElement>('input[name="scope"]:checked');
  const value = checked?.value;
  return value === 'selected' || value === 'failed' ? value : 'not_done';
}
