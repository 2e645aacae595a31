// The worker thread that runs the built add-on (Code.js) in a vm context over the Apps Script
// fakes. It handles one request at a time, as one Apps Script execution after another;
// UrlFetchApp blocks this thread on the main thread's real HTTP (sync-fetch.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { createFakeAppsScript, createFakeClock, FakeNetworkError, payloadBytes, type FetchRequest, type FetchResponse } from '../fake-apps-script/index';
import type { SheetSnapshot, UiEvents, WorkerInit, WorkerReply, WorkerRequest } from './protocol';
import { CUSTOM_FUNCTIONS, Recalculator } from './recalc';
import { SyncFetchError, syncFetcher } from './sync-fetch';
import type { GridCell } from './workbook-file';
import { snapshotOf } from './snapshot';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

const fetchSync = syncFetcher(init.fetchPort, init.fetchSignal);

function fetchHandler(req: FetchRequest): FetchResponse {
  const headers = { ...req.headers };
  if (req.contentType !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = req.contentType;
  const payload = req.payload === undefined ? undefined : typeof req.payload === 'string' ? req.payload : { base64: payloadBytes(req.payload).toString('base64') };
  try {
    return fetchSync({ url: req.url, method: req.method, headers, ...(payload !== undefined ? { payload } : {}) });
  } catch (err) {
    if (err instanceof SyncFetchError) throw new FakeNetworkError(err.message);
    throw err;
  }
}

/** The built manifest's scopes decide what getIdentityToken gives, as the consent screen would. */
function manifestScopes(): string[] | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(init.addonDir, 'appsscript.json'), 'utf8')) as { oauthScopes?: unknown };
    return Array.isArray(manifest.oauthScopes) ? manifest.oauthScopes.map(String) : undefined;
  } catch {
    return undefined;
  }
}

const scopes = manifestScopes();
const fake = createFakeAppsScript({
  ...(init.identity ? { identity: init.identity } : {}),
  ...(scopes ? { oauthScopes: scopes } : {}),
  ...(init.user ? { user: init.user } : {}),
  workbook: { name: init.spreadsheetName, timeZone: init.timeZone, sheets: { [init.sheetName]: init.rows } },
  clock: createFakeClock({ follow: true }),
  htmlDir: init.addonDir,
  fetch: fetchHandler,
  echoConsole: process.env.ROWSHOT_HARNESS_ECHO === '1',
});
if (init.formLinked) fake.linkForm(init.sheetName);
// Sheets runs the custom functions as custom-function executions (no authorization).
const context: vm.Context = fake.load(readFileSync(path.join(init.addonDir, 'Code.js'), 'utf8'), {
  modes: Object.fromEntries(CUSTOM_FUNCTIONS.map((fn) => [fn, 'customFunction' as const])),
});
const recalculators = new Map<number, Recalculator>();
/** After any change, as Sheets recalculates: the custom-function cells whose inputs changed. */
function recalculate(): void {
  for (const sheet of fake.workbook.sheets) {
    let r = recalculators.get(sheet.id);
    if (!r) recalculators.set(sheet.id, (r = new Recalculator((fn, args) => execute(fn, args))));
    r.recalculate(sheet);
  }
}

let version = 0;
let lastCells = '';
function cellsKey(s: Omit<SheetSnapshot, 'version'>): string {
  return JSON.stringify([s.sheet, s.values, s.formulas, s.spills]);
}
function snapshot(): SheetSnapshot {
  const s = snapshotOf(fake.workbook, fake.ui.menus[0] ?? null);
  const key = cellsKey(s);
  if (key !== lastCells) {
    lastCells = key;
    version++;
  }
  return { ...s, version };
}

/** What the user saw since the marks were taken. */
function uiSince(mark: { toasts: number; alerts: number; sidebars: number }): UiEvents {
  return {
    toasts: fake.workbook.toasts.slice(mark.toasts).map((t) => ({ title: t.title, message: t.message })),
    alerts: fake.ui.alerts.slice(mark.alerts).map((a) => ({ title: a.title, prompt: a.prompt })),
    sidebars: fake.ui.sidebars.slice(mark.sidebars).map((s) => ({ file: s.file, title: s.title })),
  };
}

function execute(fn: string, args: unknown[]): unknown {
  const f = context[fn] as unknown;
  if (typeof f !== 'function') throw new Error(`Script function not found: ${fn}`);
  return (f as (...a: unknown[]) => unknown)(...args);
}

/** What the user typed or pasted, stored as Sheets stores typed input; the grid grows to fit. */
function edit(row: number, column: number, values: GridCell[][]): void {
  const sheet = fake.workbook.activeSheet;
  const width = Math.max(0, ...values.map((r) => r.length));
  sheet.maxRows = Math.max(sheet.maxRows, row + values.length - 1);
  sheet.maxColumns = Math.max(sheet.maxColumns, column + width - 1);
  sheet.write(row, column, values);
}

function handle(req: WorkerRequest): WorkerReply {
  const before = snapshot().version;
  const mark = { toasts: fake.workbook.toasts.length, alerts: fake.ui.alerts.length, sidebars: fake.ui.sidebars.length };
  const done = (): { sheetChanged: boolean; ui: UiEvents } => ({ sheetChanged: snapshot().version !== before, ui: uiSince(mark) });
  try {
    let value: unknown = null;
    if (req.kind === 'call') value = execute(req.fn, JSON.parse(req.argsJson) as unknown[]);
    else if (req.kind === 'menu') value = execute(req.handler, []);
    else if (req.kind === 'sheet') value = snapshot();
    else if (req.kind === 'mail') value = fake.mail.sent;
    else if (req.kind === 'edit') edit(req.row, req.column, req.values);
    else if (req.kind === 'formSubmit') value = fake.submitForm(init.sheetName, req.answers);
    else {
      const sheet = fake.workbook.activeSheet.name;
      fake.workbook.select(sheet, req.ranges);
    }
    if (req.kind !== 'sheet' && req.kind !== 'select') recalculate();
    // As google.script.run does: only JSON-like values come back (a Date becomes a string here).
    const valueJson = value === undefined ? null : JSON.stringify(value) ?? null;
    return { id: req.id, ok: true, valueJson, ...done() };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    const error = { name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(err), ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}) };
    return { id: req.id, ok: false, error, ...done() };
  }
}

// Sheets runs onOpen when the spreadsheet opens: it builds the Extensions → Rowshot menu (and
// computes the custom-function cells of the workbook).
if (typeof context.onOpen === 'function') handle({ id: 0, kind: 'call', fn: 'onOpen', argsJson: JSON.stringify([{ authMode: 'FULL' }]) });
else recalculate();
snapshot();

port.on('message', (req: WorkerRequest) => port.postMessage(handle(req)));
port.postMessage({ ready: true });
