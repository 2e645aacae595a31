// The rows of a run as the backend takes them. The body depends only on the sheet's input cells
// and Row IDs (never on output columns, the time or the selection's order), so a repeated Run
// click sends the same body and the backend's Idempotency-Key finds the same batch.
import {
  INPUT_FIELDS, mapHeaders, OUTPUT_FIELDS, OUTPUT_ORDER, type BatchRowInput, type ColumnMapping, type CreateBatchRequest, type InputField,
  type TargetRef, type TextMode,
} from '../../../shared/index';
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

export interface RunTarget {
  target: TargetRef;
  /** Set when the user asked for backend writes but this sheet cannot have them. */
  notice: string | null;
}

/**
 * Where the backend writes results. It finds a sheet's columns by mapping the headers of row 1
 * automatically (it never sees the add-on's mapping), so a sheet whose headers are lower down,
 * or whose output columns the user mapped to other headers, is left to the add-on's sync: sent
 * as `google-sheet`, the batch would be refused or its writes would fail.
 */
export function targetFor(s: Services, data: SheetData, backendWrites: boolean): RunTarget {
  if (!backendWrites) return { target: { kind: 'none' }, notice: null };
  const reasons = backendWriteProblems(data);
  if (reasons.length > 0) {
    return {
      target: { kind: 'none' },
      notice: `Results are synced by the add-on: the backend can only write sheets whose headers are in row 1 with the standard column names (${reasons.join('; ')}).`,
    };
  }
  return { target: { kind: 'google-sheet', spreadsheetId: s.spreadsheet.id(), sheetName: data.sheet.name }, notice: null };
}

/** What keeps the backend's automatic mapping of row 1 from finding this sheet's output columns. */
function backendWriteProblems(data: SheetData): string[] {
  if (data.headerIndex !== 0) return [`this sheet's headers are in row ${data.headerIndex + 1}`];
  const automatic = mapHeaders(data.headers);
  const out: string[] = [];
  for (const field of OUTPUT_ORDER) {
    const header = data.mapping[field];
    if (header !== undefined && automatic[field] !== header) out.push(`${OUTPUT_FIELDS[field]} is mapped to "${header}"`);
  }
  return out;
}

export function batchRequest(
  data: SheetData, rows: readonly number[], ids: ReadonlyMap<number, string>, target: TargetRef,
  opts: { maxCostUsd?: number | undefined; textDefault?: TextMode | undefined; fileNameTemplate?: string | undefined } = {},
): CreateBatchRequest {
  const n = rows.length;
  const request: CreateBatchRequest = {
    name: `${data.sheet.name.slice(0, 150)}: ${n} row${n === 1 ? '' : 's'}`,
    rows: batchRows(data, rows, (index) => ids.get(index) ?? ''),
    columns: inputMapping(data),
    target,
  };
  if (opts.maxCostUsd !== undefined) request.maxCostUsd = opts.maxCostUsd;
  if (opts.textDefault !== undefined) request.textDefault = opts.textDefault;
  if (opts.fileNameTemplate !== undefined) request.fileNameTemplate = opts.fileNameTemplate;
  return request;
}
