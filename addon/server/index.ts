// The add-on's entry file: only the top-level functions Google calls (simple triggers, menu
// items, the dispatcher trigger, google.script.run and custom functions). The build turns each
// export into a global and copies its JSDoc (Sheets reads @customfunction from it). Every body
// is one line into app.ts.
import type { ColumnMapping } from '../../shared/index';
import { app } from './app';
import type {
  BatchProgress, BatchSummary, ConnectionCheck, DownloadInput, DownloadView, PreviewInput, PreviewView, RetryView, CreatePackInput, EstimateView, PackView, PatchPackInput, Result, SaveSettingsInput,
  PackFontInput, ScheduleActionInput, ScheduleInput, ScheduleRunNowView, SchedulesView, ScheduleTestView, Scope, SettingsView, SheetContext, StartBatchInput, SyncReport, UploadInput, UploadView,
} from './rpc';

// ---- Simple triggers and menu items ----
export function onOpen(): void { app.onOpen(); }
export function onInstall(): void { app.onInstall(); }
export function showBatchSidebar(): void { app.showBatchSidebar(); }
export function showPacksSidebar(): void { app.showPacksSidebar(); }
export function showSchedulesSidebar(): void { app.showSchedulesSidebar(); }
export function showSettingsSidebar(): void { app.showSettingsSidebar(); }
export function showHelp(): void { app.showHelp(); }
export function syncResultsNow(): void { app.syncResultsNow(); }
export function addReviewColumns(): void { app.addReviewColumns(); }
export function applyReview(): void { app.applyReview(); }

// ---- The hourly trigger ----
export function rowshotDispatch(): void { app.rowshotDispatch(); }
/** The spreadsheet's installable form-submit trigger: `e.range` is the response row. */
export function rowshotFormSubmit(e: unknown): void { app.rowshotFormSubmit(e); }

// ---- google.script.run (ServerFunctions in rpc.ts) ----
export function getSettings(): Result<SettingsView> { return app.getSettings(); }
export function saveSettings(input: SaveSettingsInput): Result<SettingsView> { return app.saveSettings(input); }
export function testConnection(): Result<ConnectionCheck> { return app.testConnection(); }
export function getSheetContext(): Result<SheetContext> { return app.getSheetContext(); }
export function saveColumnMapping(mapping: ColumnMapping): Result<SheetContext> { return app.saveColumnMapping(mapping); }
export function estimateRun(scope: Scope): Result<EstimateView> { return app.estimateRun(scope); }
export function startRun(input: StartBatchInput): Result<BatchSummary> { return app.startRun(input); }
export function getRunProgress(batchId: string): Result<BatchProgress> { return app.getRunProgress(batchId); }
export function cancelRun(batchId: string): Result<BatchSummary> { return app.cancelRun(batchId); }
export function previewRow(input: PreviewInput): Result<PreviewView> { return app.previewRow(input); }
export function retryFailedRun(batchId: string): Result<RetryView> { return app.retryFailedRun(batchId); }
export function downloadLink(input: DownloadInput): Result<DownloadView> { return app.downloadLink(input); }
export function listSheetRuns(): Result<BatchSummary[]> { return app.listSheetRuns(); }
export function syncNow(): Result<SyncReport> { return app.syncNow(); }
export function listPacks(): Result<PackView[]> { return app.listPacks(); }
export function uploadPackImage(input: UploadInput): Result<UploadView> { return app.uploadPackImage(input); }
export function setPackFont(input: PackFontInput): Result<PackView> { return app.setPackFont(input); }
export function createPack(input: CreatePackInput): Result<PackView> { return app.createPack(input); }
export function updatePack(input: PatchPackInput): Result<PackView> { return app.updatePack(input); }
export function deletePack(id: string): Result<{ id: string }> { return app.deletePack(id); }
export function insertPackName(name: string): Result<{ cells: number }> { return app.insertPackName(name); }
export function applyPackDropdown(): Result<{ rows: number; packs: number }> { return app.applyPackDropdown(); }
export function getSchedules(): Result<SchedulesView> { return app.getSchedules(); }
export function saveSchedule(input: ScheduleInput): Result<SchedulesView> { return app.saveSchedule(input); }
export function deleteSchedule(id: string): Result<SchedulesView> { return app.deleteSchedule(id); }
export function runScheduleNow(input: ScheduleActionInput): Result<ScheduleRunNowView> { return app.runScheduleNow(input); }
export function testSchedule(input: ScheduleActionInput): Result<ScheduleTestView> { return app.testSchedule(input); }
export function getScheduleTest(input: { batchId: string; row: number }): Result<ScheduleTestView> { return app.getScheduleTest(input); }

// ---- Custom functions ----

/**
 * Estimates what generating images for these prompts would cost, in USD, from Rowshot's price
 * table (no network), as the Batch sidebar's estimate does. Empty prompt cells cost nothing.
 *
 * @param {A2:A100} prompts The prompt cells (a range or one cell).
 * @param {"1:1, 16:9"} sizes The sizes of each image, as the Aspect ratios column takes them (one value, or a range the size of prompts). Default 1:1.
 * @param {1} variants Images per prompt, 1 to 4 (one number, or a range the size of prompts). Default 1.
 * @param {"gemini-3.1-flash-image"} model The model id (one, or a range the size of prompts): template, gemini-3.1-flash-image or gemini-3-pro-image. Default gemini-3.1-flash-image.
 * @return The estimated cost in USD, or an error message.
 * @customfunction
 */
export function ROWSHOT_COST(prompts: unknown, sizes?: unknown, variants?: unknown, model?: unknown): number | string { return app.ROWSHOT_COST(prompts, sizes, variants, model); }

/**
 * Fills a prompt template's {{Column}} placeholders from a row, exactly as a Rowshot run does.
 * Several rows of values give a column of prompts.
 *
 * @param {"A {{Product}} on a {{Background}} background"} template The template text, with {{Column}} placeholders.
 * @param {B1:E1} headers The header cells naming the columns.
 * @param {B2:E2} values The row (or rows) of values under those headers.
 * @return The filled prompt (or one per row), or an error message.
 * @customfunction
 */
export function ROWSHOT_PROMPT(template: unknown, headers: unknown, values: unknown): string | string[][] { return app.ROWSHOT_PROMPT(template, headers, values); }

/**
 * One line about a Rowshot batch of this spreadsheet, e.g. "RUNNING 12/20 done, 1 failed, $0.47,
 * ETA 1 min", as the add-on last saw it (the sidebar and the hourly sync refresh it). It never
 * calls the backend: a custom function has no sign-in.
 *
 * @param {"b_…"} batch_id The batch id (the Batch ID column holds it).
 * @return The batch's state, progress and cost, or an error message.
 * @customfunction
 */
export function ROWSHOT_STATUS(batch_id: unknown): string { return app.ROWSHOT_STATUS(batch_id); }
