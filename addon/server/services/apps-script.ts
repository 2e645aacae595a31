// The one file that touches Apps Script globals: the ports over SpreadsheetApp, UrlFetchApp,
// PropertiesService and friends. It takes the globals as a parameter (tests and the playground
// pass fakes) and builds each port on first use, so a custom function that needs only the cache
// and UrlFetchApp never opens the spreadsheet. The calls it makes are listed at the end of
// ports.ts; the fakes in addon/dev serve exactly those.
import { dateText, isDate } from '../sheet/date-text';
import type { AppsScriptGlobals, FetchOptions, GLock, GProperties, GSheet, GSpreadsheet, GTrigger } from './apps-script-globals';
import type {
  CachePort, CellValue, HttpPort, HttpRequest, LockPort, MailPort, MenuItem, PropertyStore, Services, SheetPort, SpreadsheetPort, TriggerInfo,
  TriggerPort, UiPort,
} from './ports';

export type { AppsScriptGlobals, FetchOptions } from './apps-script-globals';

/**
 * A sheet cell as the logic sees it: dates as the spreadsheet shows them (`timeZone` is asked only
 * when a date turns up: see sheet/date-text.ts), empty as ''.
 */
export function toCell(value: unknown, timeZone: () => string): CellValue {
  if (isDate(value)) return dateText(value, timeZone());
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return value === null || value === undefined ? '' : String(value);
}

function sheetPort(g: AppsScriptGlobals, sheet: GSheet, timeZone: () => string): SheetPort {
  // Asked once each: the logic reads them often, and this execution never renames the sheet.
  const id = once(() => sheet.getSheetId());
  const name = once(() => sheet.getName());
  return {
    get id() { return id(); },
    get name() { return name(); },
    lastRow: () => sheet.getLastRow(),
    lastColumn: () => sheet.getLastColumn(),
    ensureColumns(columns) {
      const max = sheet.getMaxColumns();
      if (max < columns) sheet.insertColumnsAfter(max, columns - max);
    },
    read(row, column, numRows, numColumns) {
      if (numRows <= 0 || numColumns <= 0) return [];
      return sheet.getRange(row, column, numRows, numColumns).getValues().map((r) => r.map((v) => toCell(v, timeZone)));
    },
    readFormulas(row, column, numRows, numColumns) {
      if (numRows <= 0 || numColumns <= 0) return [];
      return sheet.getRange(row, column, numRows, numColumns).getFormulas();
    },
    write(row, column, values) {
      const width = values[0]?.length ?? 0;
      if (values.length === 0 || width === 0) return;
      sheet.getRange(row, column, values.length, width).setValues(values);
    },
    formUrl: () => sheet.getFormUrl() ?? null,
    setListValidation(row, column, numRows, values) {
      if (numRows <= 0) return;
      const rule = g.SpreadsheetApp.newDataValidation().requireValueInList([...values], true).setAllowInvalid(true).build();
      sheet.getRange(row, column, numRows, 1).setDataValidation(rule);
    },
  };
}

function spreadsheetPort(g: AppsScriptGlobals, ss: () => GSpreadsheet): SpreadsheetPort {
  // Asked once per execution, and only when something needs it (a schedule, a date cell).
  const timeZone = once(() => ss().getSpreadsheetTimeZone());
  return {
    id: () => ss().getId(),
    url: () => ss().getUrl(),
    timeZone,
    activeSheet: () => sheetPort(g, ss().getActiveSheet(), timeZone),
    sheetById(id) {
      const found = ss().getSheets().find((sh) => sh.getSheetId() === id);
      return found ? sheetPort(g, found, timeZone) : null;
    },
    sheets: () => ss().getSheets().map((sh) => ({ id: sh.getSheetId(), name: sh.getName() })),
    selectedRows() {
      const rows = new Set<number>();
      for (const range of ss().getActiveRangeList()?.getRanges() ?? []) {
        const first = range.getRow();
        for (let r = first; r < first + range.getNumRows(); r++) rows.add(r);
      }
      return [...rows].sort((a, b) => a - b);
    },
    selection() {
      const range = ss().getActiveRange();
      return range ? { row: range.getRow(), column: range.getColumn(), numRows: range.getNumRows(), numColumns: range.getNumColumns() } : null;
    },
  };
}

function httpPort(g: AppsScriptGlobals): HttpPort {
  return {
    fetch(req: HttpRequest) {
      const options: FetchOptions = { method: req.method, headers: { ...req.headers }, muteHttpExceptions: true, followRedirects: true };
      if (req.contentType !== undefined) options.contentType = req.contentType;
      if (req.payload !== undefined) options.payload = typeof req.payload === 'string' ? req.payload : g.Utilities.base64Decode(req.payload.base64);
      const res = g.UrlFetchApp.fetch(req.url, options);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.getAllHeaders() as Record<string, unknown>)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
      }
      return { status: res.getResponseCode(), headers, body: res.getContentText() };
    },
  };
}

function propertyStore(props: GProperties): PropertyStore {
  return {
    get: (key) => props.getProperty(key),
    set: (key, value) => void props.setProperty(key, value),
    delete: (key) => void props.deleteProperty(key),
  };
}

function uiPort(g: AppsScriptGlobals, ss: () => GSpreadsheet): UiPort {
  return {
    // An add-on's menu is titled with the add-on's name: `title` names it for the fakes and docs.
    createMenu(_title: string, items: readonly (MenuItem | null)[]) {
      const menu = g.SpreadsheetApp.getUi().createAddonMenu();
      for (const item of items) {
        if (item === null) menu.addSeparator();
        else menu.addItem(item.caption, item.handler);
      }
      menu.addToUi();
    },
    showSidebar(file, title) {
      g.SpreadsheetApp.getUi().showSidebar(g.HtmlService.createHtmlOutputFromFile(file).setTitle(title));
    },
    alert(title, message) {
      const ui = g.SpreadsheetApp.getUi();
      ui.alert(title, message, ui.ButtonSet.OK);
    },
    toast: (message, title) => ss().toast(message, title ?? 'Rowshot'),
  };
}

function triggerPort(g: AppsScriptGlobals, ss: () => GSpreadsheet): TriggerPort {
  const info = (t: GTrigger): TriggerInfo => ({ id: t.getUniqueId(), handler: t.getHandlerFunction() });
  return {
    list: () => g.ScriptApp.getUserTriggers(ss()).map(info),
    createHourly: (handler) => info(g.ScriptApp.newTrigger(handler).timeBased().everyHours(1).create()),
    createFormSubmit: (handler) => info(g.ScriptApp.newTrigger(handler).forSpreadsheet(ss()).onFormSubmit().create()),
    delete(id) {
      const found = g.ScriptApp.getUserTriggers(ss()).find((t) => t.getUniqueId() === id);
      if (found) g.ScriptApp.deleteTrigger(found);
    },
  };
}

function mailPort(g: AppsScriptGlobals): MailPort {
  return {
    myAddress: () => g.Session.getEffectiveUser().getEmail() ?? '',
    remainingDailyQuota: () => g.MailApp.getRemainingDailyQuota(),
    send: (m) => g.MailApp.sendEmail({ to: m.to, subject: m.subject, body: m.body, htmlBody: m.htmlBody, name: 'Rowshot' }),
  };
}

/**
 * The response row of a spreadsheet's form-submit event (`e.range`), or null when `e` is not one
 * (the function run by hand from the editor gets no event).
 */
export function formSubmitRow(e: unknown): { sheetId: number; row: number } | null {
  const range = (e as { range?: { getSheet?: () => { getSheetId(): number }; getRow?: () => number } } | null)?.range;
  if (typeof range?.getSheet !== 'function' || typeof range.getRow !== 'function') return null;
  return { sheetId: range.getSheet().getSheetId(), row: range.getRow() };
}

/** Outside a document there is no document lock; one execution then has nothing to race. */
const NO_LOCK: LockPort = { tryLock: () => true, release: () => undefined };

function lockPort(lock: GLock | null): LockPort {
  if (lock === null) return NO_LOCK;
  return { tryLock: (ms) => lock.tryLock(ms), release: () => lock.releaseLock() };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

export function createAppsScriptServices(g: AppsScriptGlobals = globalThis as unknown as AppsScriptGlobals): Services {
  const ss = once(() => g.SpreadsheetApp.getActiveSpreadsheet());
  const spreadsheet = once(() => spreadsheetPort(g, ss));
  const http = once(() => httpPort(g));
  const userProperties = once(() => propertyStore(g.PropertiesService.getUserProperties()));
  const documentProperties = once(() => propertyStore(g.PropertiesService.getDocumentProperties()));
  const cache = once((): CachePort => {
    const c = g.CacheService.getDocumentCache() ?? g.CacheService.getScriptCache();
    return { get: (key) => c.get(key), put: (key, value, seconds) => c.put(key, value, seconds) };
  });
  const triggers = once(() => triggerPort(g, ss));
  const ui = once(() => uiPort(g, ss));
  const mail = once(() => mailPort(g));
  // One token per execution: it lasts an hour, an execution at most six minutes.
  const identityToken = once(() => g.ScriptApp.getIdentityToken() || null);
  return {
    get spreadsheet() { return spreadsheet(); },
    get http() { return http(); },
    get userProperties() { return userProperties(); },
    get documentProperties() { return documentProperties(); },
    get cache() { return cache(); },
    documentLock: () => lockPort(g.LockService.getDocumentLock()),
    get triggers() { return triggers(); },
    get ui() { return ui(); },
    get mail() { return mail(); },
    clock: { now: () => new Date() },
    identityToken,
    uuid: () => g.Utilities.getUuid(),
    log: (message) => g.console.log(message),
  };
}
