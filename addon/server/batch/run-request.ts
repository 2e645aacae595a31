// The rows of a run as the backend takes them. The body depends only on the sheet's input cells
// and Row IDs (never on output columns, the time or the selection's order), so a repeated Run
// click sends the same body and the backend's Idempotency-Key finds the same batch.
import { INPUT_FIELDS, type BatchRowInput, type ColumnMapping, type CreateBatchRequest, type InputField, type TargetRef } from '../../../shared/index';
import type { Services } from '../services/ports';
import { inputCells, inputColumns, type SheetData } from '../sheet/read-sheet';

/** The input part of the mapping, sent as `columns` so the backend maps exactly as we do. */
export function inputMapping(data: SheetData): ColumnMapping {
  const out: ColumnMapping = {};
  for (const field of Object.keys(INPUT_FIELDS) as InputField[]) {
    const header = data.mapping[field];
    if (header !== undefined) out[field] = header;
  }
  return out;
}

export function batchRows(data: SheetData, rows: readonly number[], idOf: (index: number) => string): BatchRowInput[] {
  const columns = inputColumns(data);
  return rows.map((index) => ({ rowId: idOf(index), cells: inputCells(data, columns, index) }));
}

export function targetFor(s: Services, data: SheetData, backendWrites: boolean): TargetRef {
  return backendWrites ? { kind: 'google-sheet', spreadsheetId: s.spreadsheet.id(), sheetName: data.sheet.name } : { kind: 'none' };
}

export function batchRequest(
  data: SheetData, rows: readonly number[], ids: ReadonlyMap<number, string>, target: TargetRef, maxCostUsd: number | undefined,
): CreateBatchRequest {
  const n = rows.length;
  const request: CreateBatchRequest = {
    name: `${data.sheet.name.slice(0, 150)}: ${n} row${n === 1 ? '' : 's'}`,
    rows: batchRows(data, rows, (index) => ids.get(index) ?? ''),
    columns: inputMapping(data),
    target,
  };
  if (maxCostUsd !== undefined) request.maxCostUsd = maxCostUsd;
  return request;
}
