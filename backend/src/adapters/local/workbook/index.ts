// Local workbooks (.csv / .xlsx): reading them, preparing them with Row IDs, and the
// SheetTarget that writes results back.
export { readWorkbook, workbookFormat, type ReadWorkbookOptions } from './read-workbook';
export { ensureRowIds, newRowId, ROW_ID_PATTERN, type EnsureRowIdsResult, type PreparedRow } from './row-ids';
export { WorkbookTarget, type WorkbookTargetOptions } from './workbook-target';
export { addressableHeaders, WorkbookError, type WorkbookRow, type WorkbookTable, type WorkbookFormat } from './workbook';
export { atomicWriteFile, withPathLock } from './atomic-write';
