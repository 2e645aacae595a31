// Small interfaces over the Apps Script services. The add-on's logic sees only these; the one
// adapter (apps-script.ts) wraps the real globals, and tests and the playground use in-memory
// fakes of the same globals behind that same adapter.

/**
 * A cell as the logic sees it: dates arrive as text in the spreadsheet's time zone
 * (`yyyy-MM-dd`, or `yyyy-MM-dd HH:mm` when not midnight: sheet/date-text.ts), empty cells as ''.
 */
export type CellValue = string | number | boolean;

export interface SheetPort {
  readonly id: number;
  readonly name: string;
  /** Last row / column holding content, 1-based (0 when the sheet is empty). */
  lastRow(): number;
  lastColumn(): number;
  /**
   * Grows the grid to at least `columns` columns (Apps Script's getRange throws past the grid:
   * a new sheet has 26). At most one `getMaxColumns` and one `insertColumnsAfter` call.
   */
  ensureColumns(columns: number): void;
  /** One `getRange(row, column, numRows, numColumns).getValues()` call. */
  read(row: number, column: number, numRows: number, numColumns: number): CellValue[][];
  /** One `getFormulas()` call: '' where a cell holds no formula (keeps `=IMAGE()` cells on rewrite). */
  readFormulas(row: number, column: number, numRows: number, numColumns: number): string[][];
  /**
   * One `getRange(...).setValues()` call. As in Apps Script, a string starting with `=` is a
   * formula: callers escape text (see sheet/cell-text.ts); only `=IMAGE()` is built as one.
   */
  write(row: number, column: number, values: CellValue[][]): void;
  /** The form whose responses this sheet receives (`Sheet.getFormUrl()`), or null. */
  formUrl(): string | null;
  /** A dropdown (data validation list) on `numRows` cells of one column. */
  setListValidation(row: number, column: number, numRows: number, values: readonly string[]): void;
}

export interface SpreadsheetPort {
  id(): string;
  /** The spreadsheet's address (`Spreadsheet.getUrl()`), for links in e-mails. */
  url(): string;
  timeZone(): string;
  activeSheet(): SheetPort;
  sheetById(id: number): SheetPort | null;
  sheets(): { id: number; name: string }[];
  /** 1-based row numbers covered by the current selection of the active sheet, ascending. */
  selectedRows(): number[];
  /** The active range's top-left cell and size, for "put the pack name into the selected cells". */
  selection(): { row: number; column: number; numRows: number; numColumns: number } | null;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HttpRequest {
  url: string;
  method: HttpMethod;
  headers?: Record<string, string>;
  contentType?: string;
  /** Text, or binary given as base64 (UrlFetchApp takes bytes). */
  payload?: string | { base64: string };
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** UrlFetchApp with `muteHttpExceptions`: an HTTP error is a response; a network failure throws. */
export interface HttpPort {
  fetch(req: HttpRequest): HttpResponse;
}

/** A PropertiesService store (user or document properties). Values are strings, ≤ 9 KB each. */
export interface PropertyStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** CacheService (document cache): values ≤ 100 KB, lifetime ≤ 6 h. */
export interface CachePort {
  get(key: string): string | null;
  put(key: string, value: string, seconds: number): void;
}

/** LockService's document lock. */
export interface LockPort {
  tryLock(timeoutMs: number): boolean;
  release(): void;
}

export interface TriggerInfo {
  id: string;
  handler: string;
}

/** ScriptApp's project triggers of the current user on this document. */
export interface TriggerPort {
  list(): TriggerInfo[];
  /** A time-driven trigger every hour (the most often an editor add-on may run). */
  createHourly(handler: string): TriggerInfo;
  /** An installable "on form submit" trigger of this spreadsheet (one per user and document, as for each event type). */
  createFormSubmit(handler: string): TriggerInfo;
  delete(id: string): void;
}

export interface MenuItem {
  caption: string;
  /** The global function to call; must be a top-level export of the entry file. */
  handler: string;
}

export interface UiPort {
  /** `null` entries are separators. */
  createMenu(title: string, items: readonly (MenuItem | null)[]): void;
  /** Shows `dist/addon/<file>.html` as a sidebar. */
  showSidebar(file: string, title: string): void;
  alert(title: string, message: string): void;
  toast(message: string, title?: string): void;
}

/*
 * The Apps Script calls the adapter makes, and so the ones the fakes in addon/dev must serve:
 * SpreadsheetApp.getActiveSpreadsheet() getUi() newDataValidation();
 * Spreadsheet: getId getSpreadsheetTimeZone getActiveSheet getSheets getActiveRangeList getActiveRange toast;
 * Sheet: getSheetId getName getLastRow getLastColumn getMaxColumns insertColumnsAfter getRange(row, column, numRows, numColumns);
 * Range: getValues getFormulas setValues setDataValidation getRow getColumn getNumRows getNumColumns; RangeList: getRanges;
 * DataValidationBuilder: requireValueInList(values, true) setAllowInvalid build;
 * Ui: createAddonMenu → Menu addItem addSeparator addToUi; showSidebar; alert(title, prompt, ButtonSet.OK); Ui.ButtonSet.OK;
 * HtmlService.createHtmlOutputFromFile(name) → setTitle; UrlFetchApp.fetch(url, { method, headers, contentType,
 * payload, muteHttpExceptions: true, followRedirects }) → getResponseCode getAllHeaders getContentText;
 * Utilities.base64Decode getUuid; PropertiesService.getUserProperties getDocumentProperties →
 * getProperty setProperty deleteProperty; CacheService.getDocumentCache getScriptCache → get put;
 * LockService.getDocumentLock → tryLock releaseLock; ScriptApp.getUserTriggers(spreadsheet) newTrigger(fn)
 * .timeBased().everyHours(1).create() deleteTrigger → Trigger getUniqueId getHandlerFunction; ScriptApp.getIdentityToken;
 * console.log; Sheet.getFormUrl; ScriptApp.newTrigger(fn).forSpreadsheet(ss).onFormSubmit().create(); a form-submit
 * event's range → getSheet().getSheetId() getRow();
 * Spreadsheet.getUrl; MailApp.sendEmail({ to, subject, body, htmlBody, name }) getRemainingDailyQuota;
 * Session.getEffectiveUser().getEmail().
 */

/** An e-mail as MailApp.sendEmail takes it: plain text, with an HTML twin. */
export interface MailMessage {
  to: string;
  subject: string;
  body: string;
  htmlBody: string;
}

/**
 * MailApp, sending as the user this execution runs as (a trigger runs as its owner), and that
 * user's address (`Session.getEffectiveUser().getEmail()`, '' when Google does not say).
 */
export interface MailPort {
  myAddress(): string;
  /** Recipients MailApp may still send to today (100 on consumer accounts, 1,500 on Workspace). */
  remainingDailyQuota(): number;
  send(message: MailMessage): void;
}

export interface Clock {
  now(): Date;
}

export interface Services {
  spreadsheet: SpreadsheetPort;
  http: HttpPort;
  /** The user's own settings (backend URL, sign-in choice, API key): never document or script properties. */
  userProperties: PropertyStore;
  /** Shared by the document's users: column mappings, batch history, schedules, run log. */
  documentProperties: PropertyStore;
  cache: CachePort;
  documentLock(): LockPort;
  triggers: TriggerPort;
  ui: UiPort;
  mail: MailPort;
  clock: Clock;
  /**
   * `ScriptApp.getIdentityToken()`: the user's Google ID token (needs the `openid` and `email`
   * scopes) for signing in to the backend; null where Apps Script gives none. Custom functions
   * never ask: they run without the user's authorization.
   */
  identityToken(): string | null;
  uuid(): string;
  /** `Session.getEffectiveUser().getEmail()` may be '' for consumer accounts; used only in logs. */
  log(message: string): void;
}
