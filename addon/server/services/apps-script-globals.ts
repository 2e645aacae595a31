// The Apps Script globals as the adapter (apps-script.ts) uses them: only the methods it
// calls, so fakes can implement exactly these, and the real services fit them structurally.
import type { CellValue } from './ports';

/* The subset of each Apps Script service this adapter calls. */
export interface GRange {
  getValues(): unknown[][];
  getFormulas(): string[][];
  setValues(values: CellValue[][]): unknown;
  setDataValidation(rule: unknown): unknown;
  getRow(): number;
  getColumn(): number;
  getNumRows(): number;
  getNumColumns(): number;
}
export interface GSheet {
  getSheetId(): number;
  getName(): string;
  getLastRow(): number;
  getLastColumn(): number;
  getMaxColumns(): number;
  insertColumnsAfter(afterPosition: number, howMany: number): unknown;
  getRange(row: number, column: number, numRows: number, numColumns: number): GRange;
  getFormUrl(): string | null;
}
export interface GSpreadsheet {
  getId(): string;
  getUrl(): string;
  getSpreadsheetTimeZone(): string;
  getActiveSheet(): GSheet;
  getSheets(): GSheet[];
  getActiveRangeList(): { getRanges(): GRange[] } | null;
  getActiveRange(): GRange | null;
  toast(msg: string, title?: string): void;
}
export interface GMenu {
  addItem(caption: string, functionName: string): GMenu;
  addSeparator(): GMenu;
  addToUi(): void;
}
export interface GUi {
  createAddonMenu(): GMenu;
  showSidebar(userInterface: unknown): void;
  alert(title: string, prompt: string, buttons: unknown): unknown;
  ButtonSet: { OK: unknown };
}
export interface GDataValidationBuilder {
  requireValueInList(values: string[], showDropdown: boolean): GDataValidationBuilder;
  setAllowInvalid(allowInvalidData: boolean): GDataValidationBuilder;
  build(): unknown;
}
export interface GProperties {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
}
export interface GCache {
  get(key: string): string | null;
  put(key: string, value: string, expirationInSeconds: number): void;
}
export interface GLock {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
}
export interface GTrigger {
  getUniqueId(): string;
  getHandlerFunction(): string;
}
export interface GHttpResponse {
  getResponseCode(): number;
  getAllHeaders(): object;
  getContentText(): string;
}
export interface FetchOptions {
  method: string;
  headers: Record<string, string>;
  contentType?: string;
  payload?: string | number[];
  muteHttpExceptions: true;
  followRedirects: boolean;
}

export interface AppsScriptGlobals {
  SpreadsheetApp: {
    getActiveSpreadsheet(): GSpreadsheet;
    getUi(): GUi;
    newDataValidation(): GDataValidationBuilder;
  };
  UrlFetchApp: { fetch(url: string, params: FetchOptions): GHttpResponse };
  Utilities: { base64Decode(encoded: string): number[]; getUuid(): string };
  PropertiesService: { getUserProperties(): GProperties; getDocumentProperties(): GProperties };
  CacheService: { getDocumentCache(): GCache | null; getScriptCache(): GCache };
  LockService: { getDocumentLock(): GLock | null };
  ScriptApp: {
    getUserTriggers(spreadsheet: GSpreadsheet): GTrigger[];
    newTrigger(functionName: string): {
      timeBased(): { everyHours(n: number): { create(): GTrigger } };
      forSpreadsheet(spreadsheet: GSpreadsheet): { onFormSubmit(): { create(): GTrigger } };
    };
    deleteTrigger(trigger: GTrigger): void;
    getIdentityToken(): string | null;
  };
  MailApp: {
    sendEmail(message: { to: string; subject: string; body: string; htmlBody: string; name: string }): void;
    getRemainingDailyQuota(): number;
  };
  Session: { getEffectiveUser(): { getEmail(): string } };
  HtmlService: { createHtmlOutputFromFile(filename: string): { setTitle(title: string): unknown } };
  console: { log(message: string): void };
}
