// A Google Form answering into the fake spreadsheet: link a form to a sheet, then submit a
// response. As Sheets does, the response is appended as a row (a Timestamp, then the answers in
// the form's order) and every form-submit trigger of the document's user runs with the event
// object (`range` the new row, `values`, `namedValues`, `triggerUid`, `authMode`).
import type vm from 'node:vm';
import type { ExecutionState } from './execution';
import { LIVE_ARGUMENT } from './hooks';
import type { TriggerRecord } from './script-app';
import { FakeRange } from './sheet-api';
import type { SheetModel } from './sheet-model';

export function linkForm(model: SheetModel, formUrl = `https://docs.google.com/forms/d/fake-form-${model.id}/edit`): void {
  model.formUrl = formUrl;
}

export interface FormSubmission {
  /** The 1-based row the response was written to. */
  row: number;
  /** The handlers run, in order. */
  ran: string[];
}

export function submitFormResponse(
  state: ExecutionState, context: vm.Context, model: SheetModel, triggers: readonly TriggerRecord[], user: string, now: Date, answers: readonly unknown[],
): FormSubmission {
  if (model.formUrl === null) throw new Error(`fake form: sheet "${model.name}" has no linked form (call linkForm first)`);
  const row = model.lastRow() + 1;
  const cells = [now, ...answers];
  model.write(row, 1, [cells]);
  const headers = Array.from({ length: cells.length }, (_, i) => String(model.value(1, i + 1)));
  const values = cells.map((v) => (v instanceof Date ? v.toISOString() : String(v)));
  const namedValues = Object.fromEntries(headers.map((h, i) => [h, [values[i] ?? '']]));
  const ran: string[] = [];
  for (const t of triggers.filter((x) => x.event === 'formSubmit' && x.user === user)) {
    const handler = context[t.handler] as unknown;
    if (typeof handler !== 'function') throw new Error(`fake form: the trigger's function ${t.handler} is not in the bundle`);
    const event = { [LIVE_ARGUMENT]: true, authMode: 'FULL', triggerUid: t.id, range: new FakeRange(state, model, row, 1, 1, cells.length), values, namedValues };
    (handler as (e: unknown) => unknown)(event);
    ran.push(t.handler);
  }
  return { row, ran };
}
