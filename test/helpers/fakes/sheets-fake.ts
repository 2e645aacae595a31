// A local stand-in for the Sheets API v4, for tests with the real @googleapis/sheets client
// (`sheets({ version: 'v4', auth, rootUrl: fake.url })`). It holds in-memory spreadsheets and
// speaks the subset SheetsTarget uses: spreadsheets.get (properties, includeGridData with
// A1 ranges) and spreadsheets.batchUpdate (updateCells, appendDimension). Cells keep the
// userEnteredValue they were sent, so tests can see stringValue vs formulaValue. Every
// request is recorded; failures (429 with Retry-After, 503, 403, 404) can be injected.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UserEnteredValue {
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  formulaValue?: string;
}

export interface FakeSheet {
  sheetId: number;
  title: string;
  index: number;
  hidden: boolean;
  rowCount: number;
  columnCount: number;
  /** cells[row][col]; undefined = empty. */
  cells: (UserEnteredValue | undefined)[][];
}

export interface RecordedSheetsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** 'read' (GET) or 'write' (batchUpdate), for counting against the quota. */
  kind: 'read' | 'write' | 'other';
  /** Fake clock time when it arrived (see `clock`). */
  at: number;
}

export interface InjectedFailure {
  status: number;
  /** Only requests of this kind (default: any). */
  kind?: 'read' | 'write';
  retryAfter?: string;
  /** How many requests fail (default 1). */
  times?: number;
}

export type CellInput = string | number | null | UserEnteredValue;

export class SheetsFake {
  url = '';
  readonly requests: RecordedSheetsRequest[] = [];
  /** Spreadsheets the service account may not open (403). */
  readonly denied = new Set<string>();
  /** Returns the time stamped on recorded requests (tests with a fake clock set it). */
  clock: () => number = () => Date.now();
  private readonly books = new Map<string, FakeSheet[]>();
  private readonly failures: InjectedFailure[] = [];
  private server: Server | null = null;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let reply: { status: number; body: unknown; headers?: Record<string, string> };
        try {
          reply = this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, raw);
        } catch (err) {
          reply = errorBody(500, 'INTERNAL', `fake failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Creates a spreadsheet; each sheet's rows are given as cell values (row 0 = headers). */
  addSpreadsheet(id: string, sheets: { title: string; rows: CellInput[][]; hidden?: boolean; columnCount?: number; rowCount?: number }[]): void {
    this.books.set(id, sheets.map((s, index) => {
      const width = Math.max(0, ...s.rows.map((r) => r.length));
      return {
        sheetId: index === 0 ? 0 : 1000 + index,
        title: s.title,
        index,
        hidden: s.hidden ?? false,
        rowCount: Math.max(s.rowCount ?? 1000, s.rows.length),
        columnCount: Math.max(s.columnCount ?? 26, width),
        cells: s.rows.map((r) => r.map(toValue)),
      };
    }));
  }

  sheet(id: string, title?: string): FakeSheet {
    const book = this.books.get(id);
    if (!book) throw new Error(`no spreadsheet ${id}`);
    const s = title === undefined ? book[0] : book.find((x) => x.title === title);
    if (!s) throw new Error(`no sheet ${title}`);
    return s;
  }

  /** The cell as stored (what the client sent), by 0-based row and column. */
  cell(id: string, row: number, col: number, title?: string): UserEnteredValue | undefined {
    return this.sheet(id, title).cells[row]?.[col];
  }

  /** The cell as text (formulas as their source). */
  text(id: string, row: number, col: number, title?: string): string {
    return valueText(this.cell(id, row, col, title));
  }

  /** The 0-based index of a header in row 0, or -1. */
  column(id: string, header: string, title?: string): number {
    return (this.sheet(id, title).cells[0] ?? []).findIndex((v) => valueText(v) === header);
  }

  /** The 0-based row whose `header` column holds `value`, or -1. */
  rowWhere(id: string, header: string, value: string, title?: string): number {
    const col = this.column(id, header, title);
    return this.sheet(id, title).cells.findIndex((r, i) => i > 0 && valueText(r[col]) === value);
  }

  /** Simulates a user inserting empty rows above row `at` (0-based). */
  insertRows(id: string, at: number, count: number, title?: string): void {
    const s = this.sheet(id, title);
    s.cells.splice(at, 0, ...Array.from({ length: count }, () => []));
    s.rowCount += count;
  }

  /** Simulates a user sorting the data rows (row 0 stays). */
  sortRows(id: string, compare: (a: (UserEnteredValue | undefined)[], b: (UserEnteredValue | undefined)[]) => number, title?: string): void {
    const s = this.sheet(id, title);
    const [head, ...rest] = s.cells;
    s.cells = [head ?? [], ...rest.sort(compare)];
  }

  /** The next matching requests answer with this failure. */
  fail(failure: InjectedFailure): void {
    this.failures.push({ ...failure, times: failure.times ?? 1 });
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  reads(): RecordedSheetsRequest[] {
    return this.requests.filter((r) => r.kind === 'read');
  }

  writes(): RecordedSheetsRequest[] {
    return this.requests.filter((r) => r.kind === 'write');
  }

  private handle(method: string, rawUrl: string, headers: IncomingHttpHeaders, raw: string): { status: number; body: unknown; headers?: Record<string, string> } {
    const url = new URL(rawUrl, 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const get = /^\/v4\/spreadsheets\/([^/:]+)$/.exec(path);
    const batch = /^\/v4\/spreadsheets\/([^/:]+):batchUpdate$/.exec(path);
    const kind = method === 'GET' && get ? 'read' : method === 'POST' && batch ? 'write' : 'other';
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    this.requests.push({ method, path, query: url.searchParams, headers, body, kind, at: this.clock() });

    if (!/^Bearer \S+/.test(String(headers.authorization ?? ''))) return errorBody(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    const failure = this.failures.find((f) => f.kind === undefined || f.kind === kind);
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      const status = failure.status;
      const grpc = status === 429 ? 'RESOURCE_EXHAUSTED' : status === 403 ? 'PERMISSION_DENIED' : status === 404 ? 'NOT_FOUND' : status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
      const msg = status === 429 ? "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'" : `injected ${status}`;
      return errorBody(status, grpc, msg, failure.retryAfter === undefined ? undefined : { 'retry-after': failure.retryAfter });
    }
    const id = (get ?? batch)?.[1];
    if (id === undefined || kind === 'other') return errorBody(404, 'NOT_FOUND', `fake: no route ${method} ${path}`);
    if (this.denied.has(id)) return errorBody(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    const book = this.books.get(id);
    if (!book) return errorBody(404, 'NOT_FOUND', 'Requested entity was not found.');
    return kind === 'read' ? this.get(book, url.searchParams) : this.batchUpdate(book, body);
  }

  private get(book: FakeSheet[], q: URLSearchParams): { status: number; body: unknown } {
    const props = (s: FakeSheet) => ({
      sheetId: s.sheetId,
      title: s.title,
      index: s.index,
      ...(s.hidden ? { hidden: true } : {}),
      gridProperties: { rowCount: s.rowCount, columnCount: s.columnCount },
    });
    const ranges = q.getAll('ranges');
    const withData = q.get('includeGridData') === 'true';
    if (ranges.length === 0) {
      if (withData) return errorBody(400, 'INVALID_ARGUMENT', 'fake: includeGridData without ranges is not supported');
      return { status: 200, body: { sheets: book.map((s) => ({ properties: props(s) })) } };
    }
    const out = new Map<FakeSheet, unknown[]>();
    for (const r of ranges) {
      const parsed = parseRange(r, book);
      if (typeof parsed === 'string') return errorBody(400, 'INVALID_ARGUMENT', parsed);
      const { sheet, r0, r1, c0, c1 } = parsed;
      const rowEnd = Math.min(r1 ?? sheet.rowCount, sheet.cells.length);
      const rowData: unknown[] = [];
      for (let r = r0; r < rowEnd; r++) {
        const row = sheet.cells[r] ?? [];
        const colEnd = Math.min(c1 ?? sheet.columnCount, row.length);
        const values: unknown[] = [];
        for (let c = c0; c < colEnd; c++) values.push(cellData(row[c]));
        while (values.length > 0 && Object.keys(values[values.length - 1] as object).length === 0) values.pop();
        rowData.push(values.length > 0 ? { values } : {});
      }
      while (rowData.length > 0 && Object.keys(rowData[rowData.length - 1] as object).length === 0) rowData.pop();
      const grid = { ...(r0 > 0 ? { startRow: r0 } : {}), ...(c0 > 0 ? { startColumn: c0 } : {}), ...(rowData.length > 0 ? { rowData } : {}) };
      const list = out.get(sheet) ?? [];
      list.push(grid);
      out.set(sheet, list);
    }
    return { status: 200, body: { sheets: [...out].map(([s, data]) => ({ properties: props(s), ...(withData ? { data } : {}) })) } };
  }

  private batchUpdate(book: FakeSheet[], body: unknown): { status: number; body: unknown } {
    const requests = (body as { requests?: unknown[] } | null)?.requests;
    if (!Array.isArray(requests)) return errorBody(400, 'INVALID_ARGUMENT', 'requests is required');
    // All or nothing, like the real API: apply to copies, commit at the end.
    const copies = new Map<FakeSheet, FakeSheet>();
    const sheetById = (id: unknown): FakeSheet | undefined => {
      const s = book.find((x) => x.sheetId === (id ?? 0));
      if (!s) return undefined;
      let c = copies.get(s);
      if (!c) {
        c = { ...s, cells: s.cells.map((r) => [...r]) };
        copies.set(s, c);
      }
      return c;
    };
    const replies: unknown[] = [];
    for (const [i, req] of requests.entries()) {
      const r = req as Record<string, Record<string, unknown> | undefined>;
      if (r.appendDimension) {
        const a = r.appendDimension as { sheetId?: number; dimension?: string; length?: number };
        const s = sheetById(a.sheetId);
        if (!s) return errorBody(400, 'INVALID_ARGUMENT', `Invalid requests[${i}].appendDimension: No grid with id: ${a.sheetId}`);
        if (a.dimension === 'COLUMNS') s.columnCount += a.length ?? 0;
        else if (a.dimension === 'ROWS') s.rowCount += a.length ?? 0;
        else return errorBody(400, 'INVALID_ARGUMENT', `Invalid requests[${i}].appendDimension: dimension`);
        replies.push({});
      } else if (r.updateCells) {
        const u = r.updateCells as { start?: { sheetId?: number; rowIndex?: number; columnIndex?: number }; rows?: { values?: { userEnteredValue?: UserEnteredValue }[] }[]; fields?: string };
        if (!u.start) return errorBody(400, 'INVALID_ARGUMENT', `fake: requests[${i}].updateCells needs start`);
        if (u.fields !== 'userEnteredValue') return errorBody(400, 'INVALID_ARGUMENT', `fake: requests[${i}].updateCells fields must be userEnteredValue`);
        const s = sheetById(u.start.sheetId);
        if (!s) return errorBody(400, 'INVALID_ARGUMENT', `Invalid requests[${i}].updateCells: No grid with id: ${u.start.sheetId}`);
        const r0 = u.start.rowIndex ?? 0;
        const c0 = u.start.columnIndex ?? 0;
        for (const [dr, row] of (u.rows ?? []).entries()) {
          for (const [dc, cell] of (row.values ?? []).entries()) {
            const rr = r0 + dr;
            const cc = c0 + dc;
            if (rr >= s.rowCount || cc >= s.columnCount) {
              return errorBody(400, 'INVALID_ARGUMENT', `Invalid requests[${i}].updateCells: Attempting to write row: ${rr}, beyond the last requested row of: ${s.rowCount - 1}, or column ${cc} beyond ${s.columnCount - 1}`);
            }
            while (s.cells.length <= rr) s.cells.push([]);
            const target = s.cells[rr]!;
            const v = cell.userEnteredValue;
            target[cc] = v === undefined || Object.keys(v).length === 0 ? undefined : { ...v };
          }
        }
        replies.push({});
      } else {
        return errorBody(400, 'INVALID_ARGUMENT', `fake: unsupported request ${Object.keys(r).join(',')}`);
      }
    }
    for (const [orig, copy] of copies) Object.assign(orig, copy);
    return { status: 200, body: { spreadsheetId: 'x', replies } };
  }
}

function toValue(v: CellInput): UserEnteredValue | undefined {
  if (v === null || v === '') return undefined;
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return { numberValue: v };
  return v;
}

function valueText(v: UserEnteredValue | undefined): string {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.numberValue !== undefined) return String(v.numberValue);
  if (v.boolValue !== undefined) return v.boolValue ? 'TRUE' : 'FALSE';
  return v.formulaValue ?? '';
}

function cellData(v: UserEnteredValue | undefined): Record<string, unknown> {
  if (v === undefined) return {};
  if (v.formulaValue !== undefined) return { formattedValue: '' }; // =IMAGE() shows no text
  const { formulaValue: _f, ...effective } = v;
  return { effectiveValue: effective, formattedValue: valueText(v) };
}

/** 'Title'!C2:C, Title!1:1, 1:1 (first visible sheet), A1:B2. End-exclusive 0-based bounds. */
function parseRange(range: string, book: FakeSheet[]): { sheet: FakeSheet; r0: number; r1: number | null; c0: number; c1: number | null } | string {
  const bad = `Unable to parse range: ${range}`;
  let sheetPart: string | null = null;
  let cellPart = range;
  const m = /^(?:'((?:[^']|'')+)'|([^!']+))!(.*)$/.exec(range);
  if (m) {
    sheetPart = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!;
    cellPart = m[3]!;
  }
  const sheet = sheetPart === null
    ? [...book].sort((a, b) => a.index - b.index).find((s) => !s.hidden)
    : book.find((s) => s.title === sheetPart);
  if (!sheet) return bad;
  const ends = cellPart.split(':');
  if (ends.length > 2) return bad;
  const parse = (e: string): { col: number | null; row: number | null } | null => {
    const p = /^([A-Za-z]*)(\d*)$/.exec(e);
    if (!p || (p[1] === '' && p[2] === '')) return null;
    let col: number | null = null;
    if (p[1] !== '') {
      col = 0;
      for (const ch of p[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
      col -= 1;
    }
    return { col, row: p[2] === '' ? null : Number(p[2]) - 1 };
  };
  const a = parse(ends[0]!);
  const b = ends[1] === undefined ? a : parse(ends[1]);
  if (!a || !b) return bad;
  return {
    sheet,
    r0: a.row ?? 0,
    r1: b.row === null ? null : b.row + 1,
    c0: a.col ?? 0,
    c1: b.col === null ? null : b.col + 1,
  };
}

function errorBody(status: number, grpc: string, message: string, headers?: Record<string, string>): { status: number; body: unknown; headers?: Record<string, string> } {
  return { status, body: { error: { code: status, message, status: grpc } }, ...(headers ? { headers } : {}) };
}
