// `rowshot preview FILE [--row N]`: one row of the file made now (the row given, or the first
// row that reads as valid), its images written to a folder and their paths printed. Locally the
// preview runs in this process (like `packs create`); with --server it is the server's
// POST /v1/preview. The file is only read.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapHeaders, OUTPUT_FIELDS, readRow, type ColumnMapping, type PreviewRequest } from '../../../shared/index';
import type { WorkbookRow } from '../adapters/local/workbook/workbook';
import { AppError } from '../core/app-error';
import { extFor } from '../core/layout';
import { makePreview } from '../core/preview/preview-row';
import { LOCAL_TENANT } from '../compose';
import { ApiClient } from './api-client';
import { RunRefused } from './cli-errors';
import { preflightFile } from './preflight';
import { UsageError } from './run-command';

export interface PreviewOptions {
  file: string;
  /** 1-based row number as the spreadsheet shows it (the header is row 1). */
  row?: number;
  out?: string;
  sheet?: string;
  columns?: ColumnMapping;
  server?: { url: string; apiKey: string };
}

export interface PreviewDeps {
  /** The in-process core (when there is no --server). */
  local: () => Promise<Parameters<typeof makePreview>[0]>;
}

export async function previewCommand(opts: PreviewOptions, deps: PreviewDeps, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const file = path.resolve(opts.file);
  if (!/\.(csv|xlsx)$/i.test(file)) throw new UsageError(`${opts.file}: Rowshot reads .csv and .xlsx files`);
  const columns = opts.columns ?? {};
  const table = await preflightFile(file, opts.sheet, columns, (line) => process.stderr.write(`${line}\n`)).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'not_found') throw new UsageError(`${opts.file}: no such file`);
    throw err;
  });
  const mapping = mapHeaders(table.headers, columns);
  const outputs = new Set(Object.keys(OUTPUT_FIELDS).flatMap((f) => mapping[f as keyof typeof OUTPUT_FIELDS] ?? []));
  const inputs = (r: WorkbookRow) => Object.fromEntries(Object.entries(r.cells).filter(([h]) => !outputs.has(h)));
  const row = pickRow(table.rows, opts.row, (r) => readRow(inputs(r), columns).ok);
  const rowId = String((mapping.rowId ? row.cells[mapping.rowId] : '') || `row-${row.rowNumber}`);
  const request: PreviewRequest = { row: { rowId, cells: inputs(row) }, ...(Object.keys(columns).length > 0 ? { columns: columns as Record<string, string> } : {}) };
  const dir = path.resolve(opts.out ?? file.replace(/\.(csv|xlsx)$/i, '-preview'));

  const files: { name: string; data: Buffer }[] = [];
  let summary: { provider: string; costUsd: number; notes: string[] };
  if (opts.server) {
    const made = await new ApiClient(opts.server.url, opts.server.apiKey).preview(request);
    for (const img of made.images) {
      const res = await fetch(img.url);
      if (!res.ok) throw new RunRefused(`The preview's image ${img.aspectRatio} v${img.variant} could not be downloaded (HTTP ${res.status})`);
      const type = res.headers.get('content-type') ?? 'image/png';
      files.push({ name: imageName(row.rowNumber, img.size ?? img.aspectRatio, img.variant, extFor(type)), data: Buffer.from(await res.arrayBuffer()) });
    }
    summary = made;
  } else {
    const core = await deps.local();
    let made;
    try {
      made = await makePreview(core, LOCAL_TENANT, request);
    } catch (err) {
      if (err instanceof AppError) throw new RunRefused(`row ${row.rowNumber}: ${err.detail}`);
      throw err;
    }
    for (const img of made.images) {
      const blob = await core.store.get(img.key);
      if (blob) files.push({ name: imageName(row.rowNumber, img.size ?? img.aspectRatio, img.variant, extFor(img.mimeType)), data: blob.data });
    }
    summary = made;
  }
  await mkdir(dir, { recursive: true });
  out.write(`Preview of row ${row.rowNumber} (${summary.provider}, $${summary.costUsd.toFixed(2)}):\n`);
  for (const f of files) {
    const target = path.join(dir, f.name);
    await writeFile(target, f.data);
    out.write(`${path.relative(process.cwd(), target) || target}\n`);
  }
  for (const note of summary.notes) out.write(`Note: ${note}\n`);
  return 0;
}

/** The asked row, or the first that reads as valid; a row that is not there is a usage error. */
function pickRow(rows: readonly WorkbookRow[], wanted: number | undefined, valid: (r: WorkbookRow) => boolean): WorkbookRow {
  if (wanted !== undefined) {
    const found = rows.find((r) => r.rowNumber === wanted);
    if (!found) throw new UsageError(`--row ${wanted}: the file has no data in row ${wanted} (rows ${rows[0]?.rowNumber ?? 2} to ${rows[rows.length - 1]?.rowNumber ?? 2})`);
    return found;
  }
  const first = rows.find(valid);
  if (!first) throw new RunRefused('No row of the file can be made (every row has a problem; rowshot run --dry-run lists them)');
  return first;
}

const imageName = (rowNumber: number, ratio: string, variant: number, ext: string): string => `row${rowNumber}-${ratio.replace(':', 'x')}-v${variant}.${ext}`;
