// The worker thread that runs the built add-on (Code.js) in a vm context over the Apps Script
// fakes. It handles one request at a time, as one Apps Script execution after another;
// UrlFetchApp blocks this thread on the main thread's real HTTP (sync-fetch.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { createFakeAppsScript, createFakeClock, FakeNetworkError, payloadBytes, type FetchRequest, type FetchResponse } from '../fake-apps-script/index';
import type { SheetSnapshot, UiEvents, WorkerInit, WorkerReply, WorkerRequest } from './protocol';
import { SyncFetchError, syncFetcher } from './sync-fetch';
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

const fake = createFakeAppsScript({
  workbook: { name: init.spreadsheetName, timeZone: init.timeZone, sheets: { [init.sheetName]: init.rows } },
  clock: createFakeClock({ follow: true }),
  htmlDir: init.addonDir,
  fetch: fetchHandler,
  echoConsole: process.env.ROWSHOT_HARNESS_ECHO === '1',
});
const context: vm.Context = fake.load(readFileSync(path.join(init.addonDir, 'Code.js'), 'utf8'));

let version = 0;
let lastCells = '';
function cellsKey(s: Omit<SheetSnapshot, 'version'>): string {
  return JSON.stringify([s.sheet, s.values, s.formulas]);
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
    else {
      const sheet = fake.workbook.activeSheet.name;
      fake.workbook.select(sheet, req.ranges);
    }
    // As google.script.run does: only JSON-like values come back (a Date becomes a string here).
    const valueJson = value === undefined ? null : JSON.stringify(value) ?? null;
    return { id: req.id, ok: true, valueJson, ...done() };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    const error = { name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(err), ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}) };
    return { id: req.id, ok: false, error, ...done() };
  }
}

// Sheets runs onOpen when the spreadsheet opens: it builds the Extensions → Rowshot menu.
if (typeof context.onOpen === 'function') handle({ id: 0, kind: 'call', fn: 'onOpen', argsJson: JSON.stringify([{ authMode: 'FULL' }]) });
snapshot();

port.on('message', (req: WorkerRequest) => port.postMessage(handle(req)));
port.postMessage({ ready: true });
