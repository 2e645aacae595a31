// Runs the BUILT add-on (dist/addon/Code.js) in a worker thread over the Apps Script fakes,
// against a real backend, and serves its sidebars to a real browser (see http-server.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { FormSubmission, SentMail } from '../fake-apps-script/index';
import type { GridRange, SheetSnapshot, UiEvents, WorkerReply, WorkerRequest } from './protocol';
import { createSignal, serveSyncFetch } from './sync-fetch';
import { createHarnessServer, type ExtraRoute } from './http-server';
import { readGrid, type Grid, type GridCell } from './workbook-file';
import type { FakeGoogleIdentity } from '../fake-apps-script/index';

export interface HarnessOptions {
  /** Pre-fills Settings through saveSettings, as a user would; with no apiKey, the add-on signs in with Google. */
  backendUrl?: string;
  apiKey?: string;
  /** Google sign-in: the key ScriptApp.getIdentityToken() signs with (see google-certs.ts for the backend's side). */
  identity?: FakeGoogleIdentity;
  /** The fake user's e-mail (default alice@example.com). */
  user?: string;
  /** The first sheet: rows of cells (row 1 = headers; "=…" strings are formulas), or a .csv/.xlsx path. */
  sheet: Grid | string;
  sheetName?: string;
  /** A built add-on folder (Code.js + sidebars); default: build one into a temp folder. */
  addonDir?: string;
  /** HTTP port; default any free port. */
  port?: number;
  /** Called after each call or menu action that changed the cells. */
  onSheetChange?: (sheet: SheetSnapshot) => void | Promise<void>;
  /** A Google Form answers into the first sheet: `submitForm` appends a response and runs its triggers. */
  formLinked?: boolean;
  /** More routes (the playground's page), tried before the harness's own. */
  routes?: ExtraRoute[];
}

/** A request before it gets its id (Omit does not distribute over a union). */
type WorkerRequestBody = WorkerRequest extends infer T ? (T extends WorkerRequest ? Omit<T, 'id'> : never) : never;

export type CallOutcome = { ok: true; value: unknown; ui: UiEvents } | { ok: false; error: { name: string; message: string }; ui: UiEvents };

export class AddonHarness {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private server: Server | null = null;
  url = '';

  private constructor(private readonly worker: Worker, readonly addonDir: string, private readonly tempDir: string | null, private readonly options: HarnessOptions) {
    worker.on('message', (msg: WorkerReply | { ready: true }) => {
      if (!('id' in msg)) return;
      const resolve = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      resolve?.(msg);
    });
    // A crashed worker must not leave callers waiting forever.
    const failAll = (message: string) => {
      for (const resolve of this.pending.values()) resolve({ id: 0, ok: false, error: { name: 'WorkerError', message }, sheetChanged: false, ui: { toasts: [], alerts: [], sidebars: [] } });
      this.pending.clear();
    };
    worker.on('error', (err) => failAll(err.message));
    worker.on('exit', (code) => failAll(`the add-on worker exited (${code})`));
  }

  static async start(options: HarnessOptions): Promise<AddonHarness> {
    let addonDir = options.addonDir;
    let tempDir: string | null = null;
    if (!addonDir) {
      tempDir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-addon-'));
      const { buildAddon } = await import('../../build/build-addon');
      // The manifest is not used here: build without the environment's backend URL.
      await buildAddon({ outDir: tempDir, env: {} });
      addonDir = tempDir;
    }
    const rows = typeof options.sheet === 'string' ? await readGrid(options.sheet) : options.sheet;
    const sheetName = options.sheetName ?? (typeof options.sheet === 'string' ? path.basename(options.sheet, path.extname(options.sheet)) : 'Sheet1');
    const channel = new MessageChannel();
    const signal = createSignal();
    serveSyncFetch(channel.port1, signal);
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { addonDir, rows, sheetName, identity: options.identity ?? null, user: options.user ?? null, spreadsheetName: 'Rowshot playground', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, fetchPort: channel.port2, fetchSignal: signal, formLinked: options.formLinked === true },
      transferList: [channel.port2],
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if ((m as { ready?: boolean }).ready) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the add-on worker exited (${code}) before it was ready`)));
    });
    channel.port1.unref();
    const harness = new AddonHarness(worker, addonDir, tempDir, options);
    try {
      if (options.backendUrl !== undefined) {
        const saved = await harness.call('saveSettings', [{ backendUrl: options.backendUrl, apiKey: options.apiKey ?? '' }]);
        const result = saved.ok ? (saved.value as { ok?: boolean; error?: { message?: string } }) : null;
        if (!result?.ok) throw new Error(`harness: saveSettings failed: ${saved.ok ? result?.error?.message : saved.error.message}`);
      }
      const { server, url } = await createHarnessServer(harness, options.port ?? 0, options.routes ?? []);
      harness.server = server;
      harness.url = url;
    } catch (err) {
      await harness.close();
      throw err;
    }
    return harness;
  }

  private request(req: WorkerRequestBody): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...req, id });
    });
  }

  private async afterChange(reply: WorkerReply): Promise<void> {
    if (reply.sheetChanged && this.options.onSheetChange) await this.options.onSheetChange(await this.sheet());
  }

  /** Calls a global function of Code.js as google.script.run would (JSON in, JSON out). */
  async call(fn: string, args: unknown[] = []): Promise<CallOutcome> {
    const reply = await this.request({ kind: 'call', fn, argsJson: JSON.stringify(args) });
    await this.afterChange(reply);
    if (!reply.ok) return { ok: false, error: { name: reply.error.name, message: reply.error.message }, ui: reply.ui };
    return { ok: true, value: reply.valueJson === null ? null : JSON.parse(reply.valueJson), ui: reply.ui };
  }

  /** Runs a menu handler (e.g. syncResultsNow) and reports the toasts, alerts and sidebars it showed. */
  async menu(handler: string): Promise<CallOutcome> {
    const reply = await this.request({ kind: 'menu', handler });
    await this.afterChange(reply);
    if (!reply.ok) return { ok: false, error: { name: reply.error.name, message: reply.error.message }, ui: reply.ui };
    return { ok: true, value: null, ui: reply.ui };
  }

  async sheet(): Promise<SheetSnapshot> {
    const reply = await this.request({ kind: 'sheet' });
    if (!reply.ok || reply.valueJson === null) throw new Error(`harness: could not read the sheet: ${reply.ok ? 'no value' : reply.error.message}`);
    return JSON.parse(reply.valueJson) as SheetSnapshot;
  }

  /** The e-mails the add-on sent with MailApp (recorded by the fake, never sent). */
  async mail(): Promise<SentMail[]> {
    const reply = await this.request({ kind: 'mail' });
    if (!reply.ok || reply.valueJson === null) throw new Error(`harness: could not read the mail: ${reply.ok ? 'no value' : reply.error.message}`);
    return JSON.parse(reply.valueJson) as SentMail[];
  }

  /** A form response (a Timestamp, then `answers`) into the form-linked first sheet; the form-submit triggers run. */
  async submitForm(answers: unknown[]): Promise<FormSubmission> {
    const reply = await this.request({ kind: 'formSubmit', answers });
    await this.afterChange(reply);
    if (!reply.ok || reply.valueJson === null) throw new Error(`harness: the form response failed: ${reply.ok ? 'no value' : reply.error.message}`);
    return JSON.parse(reply.valueJson) as FormSubmission;
  }

  /** Selects whole rows (1-based), as clicking row headers does; consecutive rows make one range. */
  async select(rows: number[]): Promise<void> {
    const sorted = [...new Set(rows)].filter((r) => Number.isInteger(r) && r >= 1).sort((a, b) => a - b);
    const ranges: GridRange[] = [];
    for (const r of sorted) {
      const last = ranges.at(-1);
      if (last && last.row + last.numRows === r) last.numRows++;
      else ranges.push({ row: r, column: 1, numRows: 1, numColumns: 26 });
    }
    await this.selectRanges(ranges.length > 0 ? ranges : [{ row: 1, column: 1, numRows: 1, numColumns: 1 }]);
  }

  /**
   * Types or pastes `values` (rows of cells, "=…" strings are formulas) into the active sheet from
   * (row, column), as a user does: stored as Sheets stores typed input, then the custom-function
   * cells whose inputs changed are recalculated. Answers the sheet afterwards.
   */
  async edit(row: number, column: number, values: GridCell[][]): Promise<SheetSnapshot> {
    const reply = await this.request({ kind: 'edit', row, column, values });
    if (!reply.ok) throw new Error(`harness: could not edit: ${reply.error.message}`);
    await this.afterChange(reply);
    return this.sheet();
  }

  async selectRanges(ranges: GridRange[]): Promise<void> {
    const reply = await this.request({ kind: 'select', ranges });
    if (!reply.ok) throw new Error(`harness: could not select: ${reply.error.message}`);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.worker.terminate();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}
