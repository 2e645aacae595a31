// The harness's HTTP face: the sidebars (with the google.script.run shim), the RPC endpoint the
// shim posts to, and the sheet API the playground grid and the tests use:
// GET /sidebar/<Name>, POST /rpc/<fn> { args }, GET /api/sheet, POST /api/select { rows } or
// { ranges }, POST /api/edit { row, column, values } (typed or pasted cells; answers the sheet),
// POST /api/menu/<handler> (answers the toasts, alerts and sidebars it showed).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AddonHarness } from './addon-harness';
import type { GridRange } from './protocol';
import type { GridCell } from './workbook-file';
import { injectShim } from './shim';

/** Answers a request and returns true, or returns false to let the next route try. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/** Sidebar uploads arrive as base64 JSON: leave room for a 10 MB image. */
const MAX_BODY = 40 * 1024 * 1024;

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function isGridRange(v: unknown): v is GridRange {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return [r.row, r.column, r.numRows, r.numColumns].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1);
}

/** A paste of a whole screen of cells is fine; a runaway one is not. */
const MAX_EDIT_CELLS = 50_000;

function editProblems(body: { row?: unknown; column?: unknown; values?: unknown }): string[] {
  const problems: string[] = [];
  for (const k of ['row', 'column'] as const) {
    const v = body[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000) problems.push(`${k}: a whole number from 1 to 100000`);
  }
  const rows = body.values;
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.every((c) => ['string', 'number', 'boolean'].includes(typeof c)))) {
    problems.push('values: rows of cells (text, numbers or true/false), at least one row');
  } else if (rows.reduce((n: number, r: unknown[]) => n + r.length, 0) > MAX_EDIT_CELLS) {
    problems.push(`values: at most ${MAX_EDIT_CELLS} cells at once`);
  }
  return problems;
}

async function route(harness: AddonHarness, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (req.method === 'GET' && first === 'sidebar' && second && /^[A-Za-z][\w-]*$/.test(second) && parts.length === 2) {
    let html: string;
    try {
      html = await readFile(path.join(harness.addonDir, `${second}.html`), 'utf8');
    } catch {
      return sendJson(res, 404, { error: `no sidebar named ${second}` });
    }
    return sendHtml(res, injectShim(html));
  }
  if (req.method === 'POST' && first === 'rpc' && second && parts.length === 2) {
    const body = (await readJson(req)) as { args?: unknown };
    const outcome = await harness.call(second, Array.isArray(body.args) ? body.args : []);
    return sendJson(res, 200, outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error });
  }
  if (req.method === 'GET' && url.pathname === '/api/sheet') return sendJson(res, 200, await harness.sheet());
  if (req.method === 'POST' && url.pathname === '/api/select') {
    const body = (await readJson(req)) as { rows?: unknown; ranges?: unknown };
    if (Array.isArray(body.ranges)) {
      const ranges = body.ranges.filter(isGridRange);
      if (ranges.length === 0) return sendJson(res, 400, { error: 'ranges: give at least one { row, column, numRows, numColumns } of whole numbers ≥ 1' });
      await harness.selectRanges(ranges);
    } else {
      await harness.select(Array.isArray(body.rows) ? body.rows.filter((r): r is number => typeof r === 'number') : []);
    }
    return sendJson(res, 200, { ok: true, selection: (await harness.sheet()).selection });
  }
  if (req.method === 'POST' && url.pathname === '/api/edit') {
    const body = (await readJson(req)) as { row?: unknown; column?: unknown; values?: unknown };
    const problems = editProblems(body);
    if (problems.length > 0) return sendJson(res, 400, { error: problems.join('; ') });
    return sendJson(res, 200, await harness.edit(body.row as number, body.column as number, body.values as GridCell[][]));
  }
  if (req.method === 'POST' && first === 'api' && second === 'menu' && parts.length === 3) {
    const outcome = await harness.menu(parts[2] ?? '');
    return sendJson(res, 200, outcome);
  }
  sendJson(res, 404, { error: `${req.method} ${url.pathname} is not a harness route` });
}

export async function createHarnessServer(harness: AddonHarness, port: number, extra: ExtraRoute[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      for (const r of extra) if (await r(req, res, url)) return;
      await route(harness, req, res, url);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}` };
}
