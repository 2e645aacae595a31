// SheetTarget for Google Sheets: results are written into the rows they belong to, found by
// Row ID (never by position), with one read (header row + Row ID column) and one
// spreadsheets.batchUpdate carrying every row. Text goes in as stringValue, so user, model or
// error text starting with = + - @ stays text; only the Image cell is a formula (=IMAGE of
// our own thumbnail URL). Every request waits for a token of a per-process limiter, because
// the Sheets quota (60 requests/min/user) is shared by every tenant using the service account.
import type { sheets_v4 } from '@googleapis/sheets';
import { mapHeaders, ON_DEMAND_OUTPUTS, OUTPUT_ORDER, placeOutputColumns, replacesImages, type ColumnMapping, type OutputField, type OutputPlacement, type TargetRef } from '../../../../shared/index';
import type { RowWrite, SheetTarget, WriteOutcome } from '../../ports/sheet-target';
import { parseRetryAfterMs } from '../retry-after';
import { columnLetter } from '../../../../shared/index';
import { cellText, headerCell, quoteSheetTitle, resultRowOf, rowCells } from './sheets-cells';
import { SheetsWriteLimiter } from './sheets-write-limiter';

export interface SheetsTargetOptions {
  sheets: sheets_v4.Sheets;
  /** Write requests per minute for the whole process (default 55; the quota is 60 per user). */
  writesPerMinute?: number;
  /** Read requests per minute for the whole process (default 55; reads have their own 60/min quota). */
  readsPerMinute?: number;
  /** Share limiters between SheetsTarget instances of one process (default: one per instance). */
  writeLimiter?: SheetsWriteLimiter;
  readLimiter?: SheetsWriteLimiter;
  /** Retries of a request answered 429/5xx or lost on the network (default 4). */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Named in the "no access" reason, so the user knows whom to share the sheet with. */
  serviceAccountEmail?: string;
  /** A batchUpdate body above this is split into several calls (default 1.8 MB; Sheets wants < ~2 MB). */
  maxPayloadBytes?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

type SheetsRef = Extract<TargetRef, { kind: 'google-sheet' }>;
type Failure = Extract<WriteOutcome, { ok: false }>;

/** An expected failure, carried to write()'s catch and returned as an outcome. */
class SheetsFailure extends Error {
  constructor(readonly outcome: Failure, readonly status: number | null = null) {
    super(outcome.reason);
  }
}

interface Location {
  sheetId: number;
  title: string;
  rowIdColumn: number;
}

interface Snapshot extends Location {
  columnCount: number;
  headers: string[];
  /** 0-based grid row index by Row ID (first occurrence wins); filled when the column was read. */
  rowIndexById: Map<string, number>;
}

interface GroupResult {
  outcome: WriteOutcome;
  /** Row IDs not found in the sheet (when ok). */
  missing?: Set<string> | undefined;
}

interface Group {
  rows: Map<string, RowWrite>;
  done: Promise<GroupResult>;
}

function locationKey(target: SheetsRef): string {
  return `${target.spreadsheetId}\u0000${target.sheetName ?? ''}`;
}

/** Rows per updateCells request at most, so the body can be split below maxPayloadBytes. */
const ROWS_PER_REQUEST = 500;
const READ_FIELDS = 'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),data(startRow,startColumn,rowData(values(effectiveValue,formattedValue))))';
const CACHE_LIMIT = 1000;

export class SheetsTarget implements SheetTarget {
  readonly kinds = ['google-sheet'] as const;
  private readonly sheets: sheets_v4.Sheets;
  private readonly writeLimiter: SheetsWriteLimiter;
  private readonly readLimiter: SheetsWriteLimiter;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** Where the Row ID column was last seen, so a flush reads header + that column in one request. */
  private readonly locations = new Map<string, Location>();
  /** Per sheet, the write still waiting for a token (later writes join it). */
  private readonly waiting = new Map<string, Group>();

  constructor(private readonly options: SheetsTargetOptions) {
    this.sheets = options.sheets;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? (() => Date.now());
    const clock = options.now ?? (() => performance.now());
    this.writeLimiter = options.writeLimiter ?? new SheetsWriteLimiter({ perMinute: options.writesPerMinute ?? 55, now: clock, sleep: this.sleep });
    this.readLimiter = options.readLimiter ?? new SheetsWriteLimiter({ perMinute: options.readsPerMinute ?? 55, now: clock, sleep: this.sleep });
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 4));
  }

  async checkTarget(target: TargetRef): Promise<string | null> {
    if (target.kind !== 'google-sheet') return `the Google Sheets target cannot write to a ${target.kind} target`;
    // Accepting a batch must stay fast: the check spends a read only when one is free right now.
    // Otherwise the batch is accepted, and the first flush reports any access problem.
    if (!this.readLimiter.canTakeNow()) return null;
    try {
      const snap = await this.locate(target);
      if (snap.rowIdColumn < 0) return this.noRowIdColumn(target, snap.title).reason;
      return null;
    } catch (err) {
      if (err instanceof SheetsFailure) return err.outcome.kind === 'permanent' ? err.outcome.reason : null;
      return `spreadsheet ${target.spreadsheetId} could not be checked (${errorMessage(err)})`;
    }
  }

  async write(target: TargetRef, _tenant: string, rows: readonly RowWrite[], columns: ColumnMapping = {}): Promise<WriteOutcome> {
    if (target.kind !== 'google-sheet') {
      return { ok: false, kind: 'permanent', reason: `the Google Sheets target cannot write to a ${target.kind} target` };
    }
    if (rows.length === 0) return { ok: true, written: 0, missingRowIds: [] };
    const key = locationKey(target);
    // Coalescing: a write arriving while another for the same sheet still waits for a token
    // joins it (later rows win for a Row ID), so a busy quota means fewer, bigger writes.
    let group = this.waiting.get(key);
    if (group === undefined) {
      const rowsOfGroup = new Map<string, RowWrite>();
      // runGroup reads the rows only after its token arrives (always a later tick).
      // The mapping of the batch that opened the group (one sheet has one mapping in practice).
      group = { rows: rowsOfGroup, done: this.runGroup(target, key, rowsOfGroup, columns) };
      this.waiting.set(key, group);
    }
    for (const r of rows) group.rows.set(r.rowId, r);
    const { outcome, missing } = await group.done;
    if (!outcome.ok) return outcome;
    // This caller's share of the group's result.
    const mine = new Set(rows.map((r) => r.rowId));
    const missingRowIds = [...mine].filter((id) => missing?.has(id) ?? false);
    return { ok: true, written: mine.size - missingRowIds.length, missingRowIds };
  }

  private async runGroup(target: SheetsRef, key: string, rows: Map<string, RowWrite>, columns: ColumnMapping): Promise<GroupResult> {
    try {
      // The token is taken before the read, so the read is as fresh as possible when the
      // write leaves, and rows joining meanwhile go in the same write.
      await this.writeLimiter.take();
    } finally {
      if (this.waiting.get(key)?.rows === rows) this.waiting.delete(key);
    }
    try {
      const outcome = await this.writeRows(target, [...rows.values()], columns);
      return { outcome, missing: outcome.ok ? new Set(outcome.missingRowIds) : undefined };
    } catch (err) {
      if (err instanceof SheetsFailure) return { outcome: err.outcome };
      // A bug rather than an expected failure; transient so a fixed deployment can retry.
      return { outcome: { ok: false, kind: 'transient', reason: `writing results to spreadsheet ${target.spreadsheetId} failed unexpectedly: ${errorMessage(err)}` } };
    }
  }

  /** Called holding one write token (for the first batchUpdate). */
  private async writeRows(target: SheetsRef, rows: readonly RowWrite[], columns: ColumnMapping): Promise<WriteOutcome> {
    // The last write for a Row ID wins if one arrives twice.
    const byId = new Map<string, RowWrite>();
    for (const r of rows) byId.set(r.rowId, r);

    const snap = await this.locate(target);
    if (snap.rowIdColumn < 0) throw new SheetsFailure(this.noRowIdColumn(target, snap.title));

    const found: { write: RowWrite; rowIndex: number }[] = [];
    const missingRowIds: string[] = [];
    for (const write of byId.values()) {
      const rowIndex = snap.rowIndexById.get(write.rowId);
      if (rowIndex === undefined) missingRowIds.push(write.rowId);
      else found.push({ write, rowIndex });
    }
    if (found.length === 0) return { ok: true, written: 0, missingRowIds };

    const maxBytes = this.options.maxPayloadBytes ?? 1_800_000;
    let placement = placeOutputColumns(snap.headers, snap.headers.length, columns);
    // Columns to add go after the last one with content in any row, not after the last header.
    if (placement.added.length > 0) placement = placeOutputColumns(snap.headers, await this.usedWidth(target, snap), columns);
    const requests = buildRequests(snap, placement, found, maxBytes);
    let tokenHeld = true;
    for (const body of splitRequests(requests, maxBytes)) {
      const held = tokenHeld;
      tokenHeld = false;
      await this.call('write', held, () =>
        this.sheets.spreadsheets.batchUpdate(
          { spreadsheetId: target.spreadsheetId, fields: 'spreadsheetId', requestBody: { requests: body } },
          this.requestOptions(),
        ), target);
    }
    return { ok: true, written: found.length, missingRowIds };
  }

  /**
   * The header row and Row ID column. Usually one spreadsheets.get (header row + the cached
   * Row ID column, which also returns the sheet id and grid size). The first flush of a
   * process for a sheet, or one after the Row ID column moved or the sheet was renamed,
   * reads the header first (two reads): reading the whole used range instead would send
   * every prompt (up to 4,000 characters × 10,000 rows) on every flush.
   */
  private async locate(target: SheetsRef): Promise<Snapshot> {
    const key = locationKey(target);
    const cached = this.locations.get(key);
    if (cached !== undefined) {
      try {
        const snap = await this.readSnapshot(target, cached.title, cached.rowIdColumn);
        if (snap.rowIdColumn === cached.rowIdColumn) return snap;
        if (snap.rowIdColumn < 0) {
          this.locations.delete(key);
          return snap;
        }
        this.remember(key, snap);
        return await this.readSnapshot(target, snap.title, snap.rowIdColumn);
      } catch (err) {
        // 400: the cached sheet title no longer parses (renamed or deleted); look again.
        if (!(err instanceof SheetsFailure && err.status === 400)) throw err;
        this.locations.delete(key);
      }
    }
    const head = await this.readSnapshot(target, target.sheetName ?? null, -1);
    if (head.rowIdColumn < 0) return head;
    this.remember(key, head);
    return this.readSnapshot(target, head.title, head.rowIdColumn);
  }

  private remember(key: string, loc: Location): void {
    this.locations.delete(key);
    if (this.locations.size >= CACHE_LIMIT) {
      const oldest = this.locations.keys().next().value;
      if (oldest !== undefined) this.locations.delete(oldest);
    }
    this.locations.set(key, { sheetId: loc.sheetId, title: loc.title, rowIdColumn: loc.rowIdColumn });
  }

  /**
   * One spreadsheets.get of `'Title'!1:1` (title null: `1:1`, the first visible sheet) and,
   * when idColumn ≥ 0, `'Title'!C2:C`.
   */
  private async readSnapshot(target: SheetsRef, title: string | null, idColumn: number): Promise<Snapshot> {
    const prefix = title === null ? '' : `${quoteSheetTitle(title)}!`;
    const ranges = [`${prefix}1:1`];
    if (idColumn >= 0) ranges.push(`${prefix}${columnLetter(idColumn)}2:${columnLetter(idColumn)}`);
    let res;
    try {
      res = await this.call('read', false, () =>
        this.sheets.spreadsheets.get(
          { spreadsheetId: target.spreadsheetId, ranges, includeGridData: true, fields: READ_FIELDS },
          this.requestOptions(),
        ), target);
    } catch (err) {
      if (err instanceof SheetsFailure && err.status === 400 && title !== null && title === target.sheetName) {
        throw new SheetsFailure({ ok: false, kind: 'permanent', reason: `spreadsheet ${target.spreadsheetId} has no sheet named "${title}" (was it renamed or deleted?)` }, 400);
      }
      throw err;
    }
    const sheet = res.data.sheets?.[0];
    if (sheet?.properties == null) {
      throw new SheetsFailure({ ok: false, kind: 'permanent', reason: `spreadsheet ${target.spreadsheetId} has no sheet${title === null ? '' : ` named "${title}"`}` });
    }
    const data = sheet.data ?? [];
    const headerCells = data[0]?.rowData?.[0]?.values ?? [];
    const headerStart = data[0]?.startColumn ?? 0;
    const headers: string[] = [];
    headerCells.forEach((cell, i) => {
      headers[headerStart + i] = cellText(cell);
    });
    for (let i = 0; i < headers.length; i++) headers[i] ??= '';
    const mapping = mapHeaders(headers);
    const rowIdColumn = mapping.rowId === undefined ? -1 : headers.indexOf(mapping.rowId);
    const rowIndexById = new Map<string, number>();
    const idData = data[1];
    if (idColumn >= 0 && idData !== undefined) {
      const start = idData.startRow ?? 0;
      (idData.rowData ?? []).forEach((row, j) => {
        const id = cellText(row.values?.[0]).trim();
        if (id !== '' && !rowIndexById.has(id)) rowIndexById.set(id, start + j);
      });
    }
    return {
      sheetId: sheet.properties.sheetId ?? 0,
      title: sheet.properties.title ?? title ?? '',
      columnCount: sheet.properties.gridProperties?.columnCount ?? headers.length,
      headers,
      rowIdColumn,
      rowIndexById,
    };
  }

  /**
   * Columns up to the last one with content in any row: one read of the columns right of the
   * header row's last label (usually empty, so small), made only when output columns are missing.
   */
  private async usedWidth(target: SheetsRef, snap: Snapshot): Promise<number> {
    const from = snap.headers.length;
    if (from >= snap.columnCount) return from;
    const range = `${quoteSheetTitle(snap.title)}!${columnLetter(from)}1:${columnLetter(snap.columnCount - 1)}`;
    const res = await this.call('read', false, () =>
      this.sheets.spreadsheets.get(
        { spreadsheetId: target.spreadsheetId, ranges: [range], includeGridData: true, fields: 'sheets(data(startColumn,rowData(values(effectiveValue,formattedValue))))' },
        this.requestOptions(),
      ), target);
    let width = from;
    for (const d of res.data.sheets?.[0]?.data ?? []) {
      const start = d.startColumn ?? from;
      for (const row of d.rowData ?? []) {
        (row.values ?? []).forEach((cell, i) => {
          if (cellText(cell) !== '') width = Math.max(width, start + i + 1);
        });
      }
    }
    return width;
  }

  private requestOptions(): { retry: boolean; timeout: number } {
    // The client's own retry would sleep on the real clock and retry GETs only; ours covers both.
    return { retry: false, timeout: this.options.timeoutMs ?? 60_000 };
  }

  /** One API request behind the limiter, retried on 429/5xx/network errors with backoff. */
  private async call<T>(kind: 'read' | 'write', tokenHeld: boolean, fn: () => Promise<T>, target: SheetsRef): Promise<T> {
    const limiter = kind === 'write' ? this.writeLimiter : this.readLimiter;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 || !tokenHeld) await limiter.take();
      try {
        return await fn();
      } catch (err) {
        const info = describeError(err, this.now());
        const retryable = info.status === null || info.status === 408 || info.status === 429 || info.status >= 500
          || (info.status === 403 && /RESOURCE_EXHAUSTED|rate ?limit|quota/i.test(`${info.googleStatus} ${info.message}`));
        if (!retryable) throw new SheetsFailure(this.notRetryable(kind, target, info), info.status);
        if (attempt >= this.maxRetries) {
          const what = info.status === null ? info.message : `HTTP ${info.status}: ${info.message}`;
          throw new SheetsFailure({ ok: false, kind: 'transient', reason: `Google Sheets did not accept the ${kind} of spreadsheet ${target.spreadsheetId} after ${attempt + 1} attempts (${what})` }, info.status);
        }
        const backoff = Math.min(32_000, 1000 * 2 ** attempt);
        await this.sleep(Math.min(120_000, Math.max(backoff, info.retryAfterMs ?? 0)));
      }
    }
  }

  private notRetryable(kind: 'read' | 'write', target: SheetsRef, info: ErrorInfo): Failure {
    if (info.status === 403 || info.status === 404) {
      const share = this.options.serviceAccountEmail ? `share it with ${this.options.serviceAccountEmail}` : 'share it with the service account';
      return { ok: false, kind: 'permanent', reason: `Rowshot has no access to spreadsheet ${target.spreadsheetId} (${share}, or use the add-on's Sync results)` };
    }
    if (info.status === 401) {
      return { ok: false, kind: 'transient', reason: `Google rejected Rowshot's credentials for spreadsheet ${target.spreadsheetId} (HTTP 401: ${info.message})` };
    }
    if (kind === 'write' && info.status === 400 && !/limit|maximum/i.test(info.message)) {
      // Usually the sheet changed shape between our read and write (rows or columns deleted);
      // the next flush reads it again.
      return { ok: false, kind: 'transient', reason: `Google Sheets refused the write to spreadsheet ${target.spreadsheetId} (HTTP 400: ${info.message}); was the sheet edited during the write?` };
    }
    return { ok: false, kind: 'permanent', reason: `Google Sheets refused the request for spreadsheet ${target.spreadsheetId} (HTTP ${info.status ?? '?'}: ${info.message})` };
  }

  private noRowIdColumn(target: SheetsRef, title: string): Failure {
    return { ok: false, kind: 'permanent', reason: `sheet "${title}" of spreadsheet ${target.spreadsheetId} has no Row ID column, so results cannot be matched to rows (was it deleted or renamed?)` };
  }
}

/** appendDimension (if the grid is too narrow), the missing headers, then the rows in blocks. */
function buildRequests(snap: Snapshot, placement: OutputPlacement, found: readonly { write: RowWrite; rowIndex: number }[], maxBytes: number): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [];
  const columnOf = new Map<OutputField, number>(Object.entries(placement.columns) as [OutputField, number][]);
  const { added } = placement;
  const first = added[0]?.column;
  if (first !== undefined) {
    const needed = first + added.length;
    if (needed > snap.columnCount) {
      requests.push({ appendDimension: { sheetId: snap.sheetId, dimension: 'COLUMNS', length: needed - snap.columnCount } });
    }
    requests.push({
      updateCells: {
        start: { sheetId: snap.sheetId, rowIndex: 0, columnIndex: first },
        rows: [{ values: added.map((a) => headerCell(a.label)) }],
        fields: 'userEnteredValue',
      },
    });
  }

  const sorted = [...found].map((f) => {
    const row = resultRowOf(f.write);
    return { ...f, cells: rowCells(row), replacesImages: replacesImages(row) };
  }).sort((a, b) => a.rowIndex - b.rowIndex);
  // Blocks of adjacent rows that write the same set of columns, each small enough to leave
  // room in a body of maxBytes.
  const blocks: (typeof sorted)[] = [];
  let blockBytes = 0;
  for (const item of sorted) {
    const bytes = Buffer.byteLength(JSON.stringify(item.cells));
    const block = blocks[blocks.length - 1];
    const prev = block?.[block.length - 1];
    if (block !== undefined && prev !== undefined && prev.rowIndex + 1 === item.rowIndex
      && prev.replacesImages === item.replacesImages && block.length < ROWS_PER_REQUEST && blockBytes + bytes <= maxBytes / 2) {
      block.push(item);
      blockBytes += bytes;
    } else {
      blocks.push([item]);
      blockBytes = bytes;
    }
  }
  for (const block of blocks) {
    const head = block[0]!;
    const cells = block.map((b) => b.cells);
    // Review columns are written only where the sheet has them.
    const fields = [...OUTPUT_ORDER, ...ON_DEMAND_OUTPUTS].filter((f) => f !== 'rowId' && cells[0]![f] !== undefined && columnOf.has(f));
    // Runs of adjacent columns: a rectangle over a user's column would clear it.
    const cols = fields.map((f) => ({ f, col: columnOf.get(f)! })).sort((a, b) => a.col - b.col);
    const runs: (typeof cols)[] = [];
    for (const c of cols) {
      const run = runs[runs.length - 1];
      const prev = run?.[run.length - 1];
      if (run !== undefined && prev !== undefined && prev.col + 1 === c.col) run.push(c);
      else runs.push([c]);
    }
    for (const run of runs) {
      requests.push({
        updateCells: {
          start: { sheetId: snap.sheetId, rowIndex: head.rowIndex, columnIndex: run[0]!.col },
          rows: cells.map((rc) => ({ values: run.map(({ f }) => rc[f] ?? {}) })),
          fields: 'userEnteredValue',
        },
      });
    }
  }
  return requests;
}

/** Groups requests into bodies below maxBytes (in order; a single bigger request goes alone). */
function splitRequests(requests: readonly sheets_v4.Schema$Request[], maxBytes: number): sheets_v4.Schema$Request[][] {
  const bodies: sheets_v4.Schema$Request[][] = [];
  let current: sheets_v4.Schema$Request[] = [];
  let size = 0;
  for (const r of requests) {
    const bytes = Buffer.byteLength(JSON.stringify(r)) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      bodies.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length > 0) bodies.push(current);
  return bodies;
}

interface ErrorInfo {
  /** HTTP status, or null when no response arrived (network error, timeout). */
  status: number | null;
  googleStatus: string;
  message: string;
  retryAfterMs: number | undefined;
}

function describeError(err: unknown, nowMs: number): ErrorInfo {
  const e = err as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: unknown; headers?: unknown; data?: unknown };
  } | null;
  const rawStatus = e?.response?.status ?? e?.status ?? (typeof e?.code === 'string' && /^\d{3}$/.test(e.code) ? Number(e.code) : e?.code);
  const status = typeof rawStatus === 'number' && rawStatus >= 100 ? rawStatus : null;
  const data = e?.response?.data as { error?: { message?: unknown; status?: unknown } } | undefined;
  const message = typeof data?.error?.message === 'string' ? data.error.message : errorMessage(err);
  const googleStatus = typeof data?.error?.status === 'string' ? data.error.status : '';
  return { status, googleStatus, message, retryAfterMs: retryAfter(e?.response?.headers, nowMs) };
}

/** Retry-After from a response's headers, given as a Headers object or as a plain record. */
function retryAfter(headers: unknown, nowMs: number): number | undefined {
  let raw: unknown;
  if (headers !== null && typeof headers === 'object') {
    const h = headers as { get?: unknown } & Record<string, unknown>;
    raw = typeof h.get === 'function' ? (h.get as (n: string) => unknown).call(headers, 'retry-after') : (h['retry-after'] ?? h['Retry-After']);
  }
  return parseRetryAfterMs(raw, nowMs);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
