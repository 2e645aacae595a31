// The adapter over the Apps Script globals, with small hand-made globals recording the calls:
// conversions (dates, empty cells, headers, bytes), the add-on menu, triggers, selection, and
// that nothing is touched before it is needed.
import { describe, expect, it } from 'vitest';
import { createAppsScriptServices, formSubmitRow, type AppsScriptGlobals, type FetchOptions } from '../../../../addon/server/services/apps-script';

function fakeGlobals(idToken: string | null = null) {
  const calls: string[] = [];
  const grid: unknown[][] = [['Prompt', 'When'], ['a', new Date('2026-03-04T05:06:07.000Z')], [null, 3]];
  const range = (row: number, column: number, numRows: number, numColumns: number) => ({
    getValues: () => grid.slice(row - 1, row - 1 + numRows).map((r) => Array.from({ length: numColumns }, (_, j) => r[column - 1 + j])),
    getFormulas: () => Array.from({ length: numRows }, () => Array.from({ length: numColumns }, () => '')),
    setValues: (v: unknown[][]) => calls.push(`setValues ${row},${column} ${JSON.stringify(v)}`),
    setDataValidation: (rule: unknown) => calls.push(`setDataValidation ${row},${column},${numRows} ${JSON.stringify(rule)}`),
    getRow: () => row, getColumn: () => column, getNumRows: () => numRows, getNumColumns: () => numColumns,
  });
  const sheet = {
    getSheetId: () => 11, getName: () => 'Main', getLastRow: () => grid.length, getLastColumn: () => 2, getMaxColumns: () => 26, getFormUrl: () => 'https://docs.google.com/forms/d/f1/edit', insertColumnsAfter: (after: number, n: number) => calls.push(`insertColumnsAfter ${after} ${n}`),
    getRange: (r: number, c: number, nr: number, nc: number) => {
      calls.push(`getRange ${r},${c},${nr},${nc}`);
      return range(r, c, nr, nc);
    },
  };
  const ss = {
    getId: () => 'ss1', getUrl: () => 'https://docs.google.com/spreadsheets/d/ss1/edit', getSpreadsheetTimeZone: () => (calls.push('getSpreadsheetTimeZone'), 'Europe/Paris'), getActiveSheet: () => sheet, getSheets: () => [sheet],
    getActiveRangeList: () => ({ getRanges: () => [range(5, 1, 2, 3), range(2, 2, 1, 1), range(6, 4, 2, 1)] }),
    getActiveRange: () => range(5, 1, 2, 3),
    toast: (m: string, t?: string) => calls.push(`toast ${m} | ${t}`),
  };
  const menu = {
    addItem(caption: string, fn: string) { calls.push(`addItem ${caption} → ${fn}`); return menu; },
    addSeparator() { calls.push('addSeparator'); return menu; },
    addToUi() { calls.push('addToUi'); },
  };
  const triggers = [{ getUniqueId: () => 't1', getHandlerFunction: () => 'rowshotDispatch' }];
  const builder = {
    requireValueInList(v: string[], d: boolean) { calls.push(`list ${v.join('|')} ${d}`); return builder; },
    setAllowInvalid(a: boolean) { calls.push(`allowInvalid ${a}`); return builder; },
    build: () => ({ rule: true }),
  };
  const props = (name: string) => ({
    getProperty: (k: string) => (calls.push(`${name}.get ${k}`), null),
    setProperty: (k: string, v: string) => calls.push(`${name}.set ${k}=${v}`),
    deleteProperty: (k: string) => calls.push(`${name}.delete ${k}`),
  });
  const globals: AppsScriptGlobals = {
    SpreadsheetApp: {
      getActiveSpreadsheet: () => (calls.push('getActiveSpreadsheet'), ss),
      getUi: () => ({ createAddonMenu: () => menu, showSidebar: (o: unknown) => calls.push(`showSidebar ${JSON.stringify(o)}`), alert: () => null, ButtonSet: { OK: 'OK' } }),
      newDataValidation: () => builder,
    },
    UrlFetchApp: {
      fetch: (url: string, o: FetchOptions) => {
        calls.push(`fetch ${url} ${JSON.stringify(o)}`);
        return { getResponseCode: () => 201, getAllHeaders: () => ({ 'Content-Type': 'application/json', 'Set-Cookie': ['a=1', 'b=2'] }), getContentText: () => '{}' };
      },
    },
    Utilities: { base64Decode: (s: string) => [...Buffer.from(s, 'base64')], getUuid: () => 'uuid-1' },
    PropertiesService: { getUserProperties: () => props('user'), getDocumentProperties: () => props('doc') },
    CacheService: { getDocumentCache: () => null, getScriptCache: () => ({ get: () => 'cached', put: () => undefined }) },
    LockService: { getDocumentLock: () => null },
    ScriptApp: {
      getUserTriggers: () => triggers,
      newTrigger: (fn: string) => ({
        timeBased: () => ({ everyHours: (n: number) => ({ create: () => (calls.push(`newTrigger ${fn} every ${n}h`), { getUniqueId: () => 't2', getHandlerFunction: () => fn }) }) }),
        forSpreadsheet: (sp: unknown) => ({ onFormSubmit: () => ({ create: () => (calls.push(`newTrigger ${fn} on form submit of ${sp === ss ? 'this spreadsheet' : 'another'}`), { getUniqueId: () => 't3', getHandlerFunction: () => fn }) }) }),
      }),
      deleteTrigger: (t: { getUniqueId(): string }) => calls.push(`deleteTrigger ${t.getUniqueId()}`),
      getIdentityToken: () => (calls.push('getIdentityToken'), idToken),
    },
    MailApp: {
      sendEmail: (m: { to: string; subject: string; name: string }) => calls.push(`sendEmail ${m.to} ${m.subject} from ${m.name}`),
      getRemainingDailyQuota: () => 42,
    },
    Session: { getEffectiveUser: () => ({ getEmail: () => (calls.push('getEmail'), 'owner@example.com') }) },
    HtmlService: { createHtmlOutputFromFile: (f: string) => ({ setTitle: (t: string) => ({ file: f, title: t }) }) },
    console: { log: (m: string) => calls.push(`log ${m}`) },
  };
  return { globals, calls };
}

describe('createAppsScriptServices', () => {
  it('touches no service until a port is used', () => {
    const { globals, calls } = fakeGlobals();
    const s = createAppsScriptServices(globals);
    expect(calls).toEqual([]);
    expect(s.cache.get('k')).toBe('cached');
    expect(calls).toEqual([]);
  });

  it('reads whole ranges with dates as the spreadsheet shows them and empty cells as ""; writes with one setValues', () => {
    const { globals, calls } = fakeGlobals();
    const sheet = createAppsScriptServices(globals).spreadsheet.activeSheet();
    // 05:06 UTC is 06:06 in Paris, the spreadsheet's zone (asked once, when the first date shows up).
    expect(sheet.read(1, 1, 3, 2)).toEqual([['Prompt', 'When'], ['a', '2026-03-04 06:06'], ['', 3]]);
    expect(sheet.read(1, 1, 3, 2)[1]).toEqual(['a', '2026-03-04 06:06']);
    expect(calls.filter((c) => c === 'getSpreadsheetTimeZone')).toHaveLength(1);
    calls.length = 0;
    expect(sheet.read(1, 1, 0, 2)).toEqual([]);
    sheet.write(2, 3, [['x', 1], ['=IMAGE("u")', true]]);
    sheet.setListValidation(2, 4, 10, ['A', 'B']);
    expect(calls.filter((c) => !c.startsWith('getActiveSpreadsheet'))).toEqual([
      'getRange 2,3,2,2', 'setValues 2,3 [["x",1],["=IMAGE(\\"u\\")",true]]',
      'list A|B true', 'allowInvalid true', 'getRange 2,4,10,1', 'setDataValidation 2,4,10 {"rule":true}',
    ]);
  });

  it('fetches with muteHttpExceptions, bytes decoded from base64, and lower-case headers', () => {
    const { globals, calls } = fakeGlobals();
    const res = createAppsScriptServices(globals).http.fetch({ url: 'https://x.test/v1/uploads', method: 'post', headers: { authorization: 'Bearer k' }, contentType: 'image/png', payload: { base64: 'AQID' } });
    expect(res).toEqual({ status: 201, headers: { 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' }, body: '{}' });
    expect(JSON.parse(calls[0]!.slice('fetch https://x.test/v1/uploads '.length))).toEqual({
      method: 'post', headers: { authorization: 'Bearer k' }, muteHttpExceptions: true, followRedirects: true, contentType: 'image/png', payload: [1, 2, 3],
    });
  });

  it('builds the add-on menu, sidebars and toasts', () => {
    const { globals, calls } = fakeGlobals();
    const s = createAppsScriptServices(globals);
    s.ui.createMenu('Rowshot', [{ caption: 'Run batch…', handler: 'showBatchSidebar' }, null, { caption: 'Help', handler: 'showHelp' }]);
    s.ui.showSidebar('Batch', 'Rowshot · Run batch');
    s.ui.toast('Synced');
    expect(calls).toEqual([
      'addItem Run batch… → showBatchSidebar', 'addSeparator', 'addItem Help → showHelp', 'addToUi',
      'showSidebar {"file":"Batch","title":"Rowshot · Run batch"}',
      'getActiveSpreadsheet', 'toast Synced | Rowshot',
    ]);
  });

  it('lists, creates and deletes the user triggers; reads the selection; has a lock outside a document', () => {
    const { globals, calls } = fakeGlobals();
    const s = createAppsScriptServices(globals);
    expect(s.triggers.list()).toEqual([{ id: 't1', handler: 'rowshotDispatch' }]);
    expect(s.triggers.createHourly('rowshotDispatch')).toEqual({ id: 't2', handler: 'rowshotDispatch' });
    s.triggers.delete('t1');
    expect(calls).toContain('newTrigger rowshotDispatch every 1h');
    expect(calls).toContain('deleteTrigger t1');
    expect(s.triggers.createFormSubmit('rowshotFormSubmit')).toEqual({ id: 't3', handler: 'rowshotFormSubmit' });
    expect(calls).toContain('newTrigger rowshotFormSubmit on form submit of this spreadsheet');
    expect(s.spreadsheet.activeSheet().formUrl()).toBe('https://docs.google.com/forms/d/f1/edit');
    expect(s.spreadsheet.selectedRows()).toEqual([2, 5, 6, 7]);
    expect(s.spreadsheet.selection()).toEqual({ row: 5, column: 1, numRows: 2, numColumns: 3 });
    expect(s.spreadsheet.sheets()).toEqual([{ id: 11, name: 'Main' }]);
    expect(s.spreadsheet.sheetById(12)).toBeNull();
    const lock = s.documentLock();
    expect(lock.tryLock(10)).toBe(true);
    expect(s.uuid()).toBe('uuid-1');
  });

  it('sends e-mail through MailApp as Rowshot, to the address Session gives, and reads the quota and the sheet link', () => {
    const { globals, calls } = fakeGlobals();
    const s = createAppsScriptServices(globals);
    expect(s.mail.myAddress()).toBe('owner@example.com');
    expect(s.mail.remainingDailyQuota()).toBe(42);
    s.mail.send({ to: 'owner@example.com', subject: 'Hi', body: 'b', htmlBody: '<p>b</p>' });
    expect(calls).toEqual(['getEmail', 'sendEmail owner@example.com Hi from Rowshot']);
    expect(s.spreadsheet.url()).toBe('https://docs.google.com/spreadsheets/d/ss1/edit');
  });

  it('asks ScriptApp for the ID token once per execution, and says null when Apps Script gives none', () => {
    const { globals, calls } = fakeGlobals('eyJ.a.b');
    const s = createAppsScriptServices(globals);
    expect(s.identityToken()).toBe('eyJ.a.b');
    expect(s.identityToken()).toBe('eyJ.a.b');
    expect(calls.filter((c) => c === 'getIdentityToken')).toHaveLength(1);
    expect(createAppsScriptServices(fakeGlobals(null).globals).identityToken()).toBeNull();
    expect(createAppsScriptServices(fakeGlobals('').globals).identityToken()).toBeNull();
  });

  it('reads the response row of a form-submit event, and nothing from a call without one', () => {
    const e = { range: { getSheet: () => ({ getSheetId: () => 11 }), getRow: () => 7 }, values: ['x'] };
    expect(formSubmitRow(e)).toEqual({ sheetId: 11, row: 7 });
    expect(formSubmitRow(undefined)).toBeNull();
    expect(formSubmitRow({ authMode: 'FULL' })).toBeNull();
  });
});
