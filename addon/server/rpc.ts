// The contract between the sidebars and the server functions they call with
// google.script.run. Everything here is JSON-safe (ISO strings, no Date, no undefined in
// arrays): google.script.run refuses anything else. Every call answers a Result: expected
// failures are values with a code and a readable message, never thrown strings.
import type { BatchState, BrandKitPatch, BrandKitStyle, ColumnMapping, InputField, PackFontPart, OutputField, PackImageMode, RowCounts, TextMode } from '../../shared/index';

export type RpcError = {
  /**
   * Stable: `not_configured`, `unauthenticated`, `unreachable`, `invalid_request`, `not_found`, `conflict`, `backend_error`, `no_header_row`, `no_rows`, `busy`, `trigger_failed`, `internal`,
   * `needs_confirmation` (startRun estimated above the user's threshold, without `confirmed`), `over_budget` (the backend refused a run over its maxCostUsd or the daily budget).
   */
  code: string;
  message: string;
  fields?: { field: string; message: string }[];
};
export type Result<T> = { ok: true; value: T } | { ok: false; error: RpcError };

// ---- Settings ----
export interface SettingsView {
  backendUrl: string;
  /** Which credential the add-on sends: the user's Google ID token, or the saved API key. */
  signIn: 'google' | 'api_key';
  /** The Google account a Google sign-in sends (from its ID token), or null when none was at hand. */
  googleEmail: string | null;
  /** The key is never sent back to the browser: only whether one is saved and its last 4 characters. */
  apiKeySaved: boolean;
  apiKeyHint: string;
  /** Ask for confirmation before runs estimated above this (USD). */
  confirmAboveUsd: number;
  /** Send `target: google-sheet` so the backend writes results itself (needs the sheet shared with its service account). */
  backendWrites: boolean;
}
export interface SaveSettingsInput {
  backendUrl: string;
  /** Omitted keeps the saved choice. */
  signIn?: 'google' | 'api_key';
  /** Omitted or '' keeps the saved key. */
  apiKey?: string;
  confirmAboveUsd?: number;
  backendWrites?: boolean;
}
export interface ConnectionCheck {
  /** e.g. "Connected to https://… as ann@acme.com (Google sign-in): 3 reference packs." */
  message: string;
  /** The models the backend can run; `isDefault`: what `auto` rows get first. */
  models: { id: string; label: string; priceUsd: number; isDefault: boolean }[];
}

// ---- Batch sidebar ----
export type Scope = 'selected' | 'not_done' | 'failed';

export interface SheetContext {
  sheetId: number;
  sheetName: string;
  /** 1-based; the row holding the headers. */
  headerRow: number;
  headers: string[];
  /** Field → header, automatic then overridden by the user's saved mapping. */
  mapping: ColumnMapping;
  /** Input fields the user may map (for the editable mapping form). */
  inputFields: InputField[];
  /** Output columns that a run will add at the right of the header row. */
  missingOutputs: OutputField[];
  /** The header pre-flight's warnings: columns that look like inputs but are not read. */
  columnWarnings: string[];
  counts: { rows: number; selected: number; notDone: number; failed: number };
  settingsOk: boolean;
  confirmAboveUsd: number;
  /** The spreadsheet's time zone (IANA name): batch times are shown in it, as schedules are. */
  timeZone: string;
}

export interface EstimateView {
  scope: Scope;
  rows: number;
  images: number;
  totalUsd: number;
  invalidRows: number;
  /** First few invalid rows: sheet row number and reason. */
  invalid: { row: number; reason: string }[];
  /** Valid rows that will fail on this server: a pack that does not exist, a model it does not run. */
  flaggedRows: number;
  /** First few of them: sheet row number and reason. */
  flagged: { row: number; reason: string }[];
  /** Models of the run that shut down within 30 days, each with its successor. */
  warnings: string[];
  needsConfirmation: boolean;
}

export interface StartBatchInput {
  scope: Scope;
  /** A fresh id per click of Run, reused on a retry of the same click: the backend's Idempotency-Key. */
  requestId: string;
  maxCostUsd?: number;
  /** The Text mode of rows whose Text cell is empty (the backend's default: overlay). */
  textDefault?: TextMode;
  /** How the images are named in Download all, e.g. `{{Name}}-{{size}}-v{{variant}}` (absent: by Row ID and size). */
  fileNameTemplate?: string;
  /** Required when the estimate needed confirmation. */
  confirmed?: boolean;
}

export interface BatchSummary {
  id: string;
  name: string;
  state: BatchState;
  createdAt: string;
  rowCount: number;
  counts: RowCounts;
  progress: number;
  etaSeconds: number | null;
  estimatedUsd: number;
  actualUsd: number;
  lastWriteError: string | null;
  /** Rows a reviewer approved (absent: none). */
  approvedRows?: number;
  /**
   * Only on the answer of a start (startRun): the batch was created, but a step after it did not
   * work (e.g. the run could not be recorded in the document, so it will not sync by itself).
   */
  warning?: string;
}

export interface PreviewInput {
  scope: Scope;
  /** The price the user agreed to (from the answer that asked): a paid row is made only with it. */
  confirmedUsd?: number;
  /** The Text default chosen in the sidebar, as for a run, so the preview matches it. */
  textDefault?: TextMode;
}
export interface PreviewView {
  /** Sheet row number previewed. */
  row: number;
  images: number;
  estimatedUsd: number;
  /** Why the server will refuse it (a pack it lacks, a model it does not run). */
  flag?: string;
  /** A paid row not confirmed at this price: nothing was made. */
  needsConfirmation: boolean;
  made: { provider: string; costUsd: number; notes: string[]; images: { aspectRatio: string; variant: number; url: string; thumbnailUrl: string }[] } | null;
}

/** A retry of a batch's FAILED rows. */
/** Apply review: what was sent back, approved, or skipped (with why). */
export interface ReviewReport {
  revised: number;
  approved: number;
  alreadyApplied: number;
  skipped: string[];
  message: string;
}

/** Download all: a batch's zip, latest versions (default), approved rows only, or every version. */
export interface DownloadInput {
  batchId: string;
  approvedOnly?: boolean;
  allVersions?: boolean;
}
export interface DownloadView {
  url: string;
  approvedOnly: boolean;
  allVersions: boolean;
}

export interface RetryView {
  batch: BatchSummary;
  retriedRows: number;
  /** Rows sent with the sheet's current cells (found by Row ID); the rest ran with their earlier cells. */
  freshRows: number;
}

export interface BatchProgress {
  batch: BatchSummary;
  /** Rows written into the sheet by this call's pull sync. */
  synced: number;
}

export interface SyncReport {
  batches: number;
  /** Rows whose cells were written. */
  written: number;
  /** Results whose Row ID is no longer in the sheet. */
  missing: number;
  message: string;
}

// ---- Reference packs ----
export interface PackImageView {
  id: string;
  mode: PackImageMode;
  thumbnailUrl: string;
  width: number;
  height: number;
}
export interface PackView {
  id: string;
  name: string;
  images: PackImageView[];
  logo: PackImageView | null;
  palette: string[];
  /** The pack's brand kit: its version, style and font families (null: none). */
  brandKit: { version: number; style: BrandKitStyle; headlineFont: string | null; sublineFont: string | null } | null;
  updatedAt: string;
}
export interface UploadInput {
  fileName: string;
  mimeType: string;
  base64: string;
}
export interface UploadView {
  uploadId: string;
  thumbnailUrl: string;
  width: number;
  height: number;
}
/** A brand font for a pack's headline, subline or both; `base64` null removes that font. */
export interface PackFontInput {
  id: string;
  part: PackFontPart;
  fileName: string;
  base64: string | null;
}
export interface CreatePackInput {
  name: string;
  images: { uploadId: string; mode: PackImageMode }[];
  /** One of the uploads (not also in `images`) used as the logo. */
  logoUploadId: string | null;
}
export interface PatchPackInput {
  id: string;
  name?: string;
  order?: string[];
  modes?: Record<string, PackImageMode>;
  /** Changes to the brand kit's style: given fields replace, null resets one. */
  brandKit?: BrandKitPatch;
}

// ---- Schedules ----
export type Recurrence =
  | { every: 'hour' }
  | { every: 'day'; hour: number }
  | { every: 'week'; weekday: number; hour: number }
  /** Each response row of the form-linked sheet, as it arrives; the cost cap is per day. */
  | { every: 'form_submit' }
  /** On each hourly check, the rows added since the last run (no Row ID and no Status yet). */
  | { every: 'new_rows' };

export interface ScheduleInput {
  /** Absent to create. */
  id?: string;
  name: string;
  sheetId: number;
  recurrence: Recurrence;
  scope: 'not_done' | 'all';
  maxCostUsd: number;
  enabled: boolean;
  /**
   * When the owner gets an e-mail: `problems` (default) when a run finishes with failed rows,
   * hits its cost cap or cannot start; `every_run` also when a run finishes cleanly.
   */
  notify?: NotifyWhen;
  /** The Text mode of rows whose Text cell is empty, as the Batch sidebar's choice (default overlay). */
  textDefault?: TextMode;
  /** Saving an "All rows" schedule over DONE rows needs this (the answer `needs_confirmation` says what it costs). */
  confirmed?: boolean;
}
export type NotifyWhen = 'problems' | 'every_run';
export interface Schedule extends Omit<ScheduleInput, 'confirmed'> {
  id: string;
  createdAt: string;
  /** ISO; when the dispatcher will next run it. */
  nextRunAt: string;
  /**
   * Whether it runs with this user's API key, from this user's hourly trigger. Saving a schedule
   * makes it yours (another editor's schedule is taken over). False also for schedules saved
   * before owners existed: those run with the key of whichever editor's trigger fires.
   * Set in every view the server sends; ignored when sent back.
   */
  ownedByMe?: boolean;
}
export interface ScheduleRun {
  scheduleId: string;
  at: string;
  rows: number;
  batchId: string | null;
  outcome: 'started' | 'nothing_to_do' | 'over_budget' | 'failed';
  message: string;
  /** Absent for the hourly trigger's runs; `run_now` and `test` from the sidebar's buttons, `form` for a form response. */
  via?: 'run_now' | 'test' | 'form';
}
/** Run now / Test from the Schedules sidebar: one id per click (the backend's Idempotency-Key). */
export interface ScheduleActionInput {
  id: string;
  requestId: string;
  /** Run now of an "All rows" schedule over DONE rows needs this. */
  confirmed?: boolean;
}
export interface ScheduleRunNowView {
  run: ScheduleRun;
  view: SchedulesView;
}
/** A Test's one row, as the sidebar shows it. */
export interface ScheduleTestView {
  batchId: string;
  /** 1-based sheet row of the tested row. */
  row: number;
  sheetName: string;
  batch: BatchSummary;
  /** The row as the backend has it; null before its first report. */
  result: { state: string; reason: string | null; images: { url: string; thumbnailUrl: string; aspectRatio: string }[] } | null;
}
export interface SchedulesView {
  schedules: Schedule[];
  runs: ScheduleRun[];
  timeZone: string;
  sheets: { id: number; name: string }[];
  triggerInstalled: boolean;
  /** After a save that took over another editor's schedule: says so, in words. */
  notice?: string;
}

/** The google.script.run surface: name → (argument) → result. The entry file exposes each as a global. */
export interface ServerFunctions {
  getSettings(): Result<SettingsView>;
  saveSettings(input: SaveSettingsInput): Result<SettingsView>;
  testConnection(): Result<ConnectionCheck>;

  getSheetContext(): Result<SheetContext>;
  saveColumnMapping(mapping: ColumnMapping): Result<SheetContext>;
  estimateRun(scope: Scope): Result<EstimateView>;
  startRun(input: StartBatchInput): Result<BatchSummary>;
  previewRow(input: PreviewInput): Result<PreviewView>;
  getRunProgress(batchId: string): Result<BatchProgress>;
  cancelRun(batchId: string): Result<BatchSummary>;
  retryFailedRun(batchId: string): Result<RetryView>;
  /** A capability link to the batch's zip (opens without signing in). */
  downloadLink(input: DownloadInput): Result<DownloadView>;
  listSheetRuns(): Result<BatchSummary[]>;
  syncNow(): Result<SyncReport>;

  listPacks(): Result<PackView[]>;
  uploadPackImage(input: UploadInput): Result<UploadView>;
  createPack(input: CreatePackInput): Result<PackView>;
  updatePack(input: PatchPackInput): Result<PackView>;
  setPackFont(input: PackFontInput): Result<PackView>;
  deletePack(id: string): Result<{ id: string }>;
  insertPackName(name: string): Result<{ cells: number }>;
  applyPackDropdown(): Result<{ rows: number; packs: number }>;

  getSchedules(): Result<SchedulesView>;
  saveSchedule(input: ScheduleInput): Result<SchedulesView>;
  deleteSchedule(id: string): Result<SchedulesView>;
  runScheduleNow(input: ScheduleActionInput): Result<ScheduleRunNowView>;
  testSchedule(input: ScheduleActionInput): Result<ScheduleTestView>;
  /** The progress of a Test started by testSchedule (its row synced into the sheet as it finishes). */
  getScheduleTest(input: { batchId: string; row: number }): Result<ScheduleTestView>;
}

