// The review loop in the sheet: "Add review columns" puts Review (a dropdown: Approve or
// Changes), Feedback, Version and Approved image URL at the right; "Apply review" sends the
// rows marked Changes (with their Feedback and current cells) to be made again as a new
// version, and records the rows marked Approve. Everything is read first; each batch's round
// is checked whole by the backend, so a refused one changes nothing.
import { INPUT_FIELDS, OUTPUT_FIELDS, REVIEW_DECISIONS, reviewAction, type InputField, type OutputField } from '../../../shared/index';
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { ReviewReport } from '../rpc';
import type { Services } from '../services/ports';
import { cellString, textForSheet } from '../sheet/cell-text';
import { loadOverrides } from '../sheet/column-mapping-store';
import { columnOf, dataRowIndexes, readSheet, refreshHeaders } from '../sheet/read-sheet';
import { markRowsQueued } from '../sync/write-results';
import { findRun, updateRun } from './history';
import { batchRows } from './run-request';

const REVIEW_COLUMNS: readonly (InputField | OutputField)[] = ['review', 'feedback', 'version', 'approvedImageUrl'];

/** Adds the review columns the sheet lacks, after its last used column; answers their labels. */
export function addReviewColumns(s: Services): { added: string[] } {
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const labels = REVIEW_COLUMNS.filter((f) => columnOf(data, f) < 0).map((f) => (f === 'review' || f === 'feedback' ? INPUT_FIELDS[f] : OUTPUT_FIELDS[f as OutputField]));
  if (labels.length > 0) {
    const first = data.width;
    sheet.ensureColumns(first + labels.length);
    sheet.write(data.headerIndex + 1, first + 1, [labels.map(textForSheet)]);
    data.values[data.headerIndex]?.push(...labels);
    data.width += labels.length;
    refreshHeaders(data);
  }
  // The dropdown covers every data row, and a few hundred more for rows added later.
  const review = columnOf(data, 'review');
  const rows = Math.max(1, data.values.length - data.headerIndex - 1) + 500;
  sheet.setListValidation(data.headerIndex + 2, review + 1, rows, REVIEW_DECISIONS);
  return { added: labels };
}

export function applyReview(s: Services, at: string): ReviewReport {
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  if (columnOf(data, 'review') < 0 || columnOf(data, 'feedback') < 0) {
    return { revised: 0, approved: 0, alreadyApplied: 0, skipped: [], message: 'This sheet has no Review and Feedback columns yet: use Extensions → Rowshot → Add review columns, mark rows Approve or Changes, then apply the review.' };
  }
  const cell = (r: number, field: InputField | OutputField) => {
    const c = columnOf(data, field);
    return c < 0 ? '' : cellString(data.values[r]?.[c]).trim();
  };
  const changes = new Map<string, { index: number; rowId: string; feedback: string }[]>();
  const approvals = new Map<string, string[]>();
  const skipped: string[] = [];
  for (const r of dataRowIndexes(data)) {
    const action = reviewAction({ review: cell(r, 'review'), feedback: cell(r, 'feedback'), status: cell(r, 'status'), rowId: cell(r, 'rowId'), batchId: cell(r, 'batchId') });
    if (action.kind === 'approve') approvals.set(action.batchId, [...(approvals.get(action.batchId) ?? []), action.rowId]);
    else if (action.kind === 'changes') changes.set(action.batchId, [...(changes.get(action.batchId) ?? []), { index: r, rowId: action.rowId, feedback: action.feedback }]);
    else if (action.kind === 'skip') skipped.push(`row ${r + 1}: ${action.reason}`);
  }

  const { client } = connect(s);
  let revised = 0;
  let alreadyApplied = 0;
  let approved = 0;
  for (const [batchId, rows] of changes) {
    const fresh = batchRows(data, rows.map((r) => r.index), (index) => rows.find((r) => r.index === index)?.rowId ?? '');
    const answer = api.reviseBatch(client, batchId, { rows: rows.map((r, i) => ({ rowId: r.rowId, feedback: r.feedback, cells: fresh[i]?.cells ?? {} })) });
    revised += answer.revisedRows;
    alreadyApplied += answer.alreadyApplied.length;
    const applied = new Set(answer.alreadyApplied);
    markRowsQueued(data, rows.filter((r) => !applied.has(r.rowId)).map((r) => r.index), batchId, at);
    // The run syncs again until its new versions are in.
    const entry = findRun(s, batchId);
    if (entry && answer.revisedRows > 0) updateRun(s.documentProperties, entry.sheetId, batchId, (run) => ({ ...run, synced: false, syncedSignature: null }));
  }
  for (const [batchId, rowIds] of approvals) {
    approved += api.approveRows(client, batchId, { rows: rowIds.map((rowId) => ({ rowId, approved: true })) }).rows.filter((r) => r.approvedVersion !== null).length;
    const entry = findRun(s, batchId);
    if (entry) updateRun(s.documentProperties, entry.sheetId, batchId, (run) => ({ ...run, synced: false, syncedSignature: null }));
  }
  const parts = [
    revised > 0 ? `${revised} row${revised === 1 ? '' : 's'} sent back with feedback (new versions are on their way)` : '',
    alreadyApplied > 0 ? `${alreadyApplied} already had that feedback applied` : '',
    approved > 0 ? `${approved} approved` : '',
    skipped.length > 0 ? `${skipped.length} skipped (${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; …' : ''})` : '',
  ].filter(Boolean);
  return { revised, approved, alreadyApplied, skipped, message: parts.length > 0 ? `Review applied: ${parts.join(', ')}.` : 'Nothing to apply: no DONE row is marked Approve or Changes.' };
}

