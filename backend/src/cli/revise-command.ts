// `rowshot revise FILE`: apply a review from a CSV or xlsx file. Rows whose Review cell says
// Changes (with what to change in Feedback) are made again as a new version of their batch
// (POST /v1/batches/:id/revise, with the row's current cells); rows that say Approve have
// their current version pinned (POST …/approve: the Approved image URL column, where the file
// has one). The new images are written into the file as the run's were.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { isFinalBatch, mapHeaders, OUTPUT_FIELDS, reviewAction, type ColumnMapping } from '../../../shared/index';
import { loadConfig } from '../config';
import type { Rowshot } from '../compose';
import { ApiError, type ApiClient } from './api-client';
import { RunRefused } from './cli-errors';
import { preflightFile } from './preflight';
import { inputCells, openClient, UsageError } from './run-command';
import { terminalSafe } from './terminal-text';
import { lockWorkbook } from './workbook-lock';

export interface ReviseOptions {
  file: string;
  sheet?: string;
  columns?: ColumnMapping;
  /** The run's --out, when it had one (the assets folder the new images go to). */
  out?: string;
  maxCostUsd?: number;
  server?: string;
  apiKey?: string;
  pollMs?: number;
}

interface Picked { rowNumber: number; rowId: string; batchId: string; feedback: string; cells: Record<string, string | number | boolean | null> }
interface Approval { rowId: string; batchId: string }

export async function reviseCommand(opts: ReviseOptions, env: Record<string, string | undefined>, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const file = path.resolve(opts.file);
  if (!/\.(csv|xlsx)$/i.test(file)) throw new UsageError(`${opts.file}: Rowshot reads .csv and .xlsx files`);
  await access(file).catch(() => {
    throw new UsageError(`${opts.file}: no such file`);
  });
  const name = path.basename(file);
  const assetsDir = path.resolve(opts.out ?? file.replace(/\.(csv|xlsx)$/i, '-assets'));
  const loaded = loadConfig({
    ...env, PORT: opts.server ? (env.PORT ?? '0') : '0',
    ROWSHOT_WORKBOOK_ROOTS: [path.dirname(file), assetsDir, env.ROWSHOT_WORKBOOK_ROOTS ?? ''].filter(Boolean).join(','),
  });
  if (!loaded.ok) throw new UsageError(loaded.message);
  const columns = opts.columns ?? {};

  // 1. Read only: which rows ask for changes, and what is wrong with the others.
  const table = await preflightFile(file, opts.sheet, columns, (line) => process.stderr.write(`${terminalSafe(line)}\n`));
  const mapping = mapHeaders(table.headers, columns);
  if (!mapping.review || !mapping.feedback) {
    throw new RunRefused(`${name} has no ${mapping.review ? 'Feedback' : 'Review'} column: add "Review" (Approve or Changes) and "Feedback" (what to change), then run rowshot revise again`);
  }
  const outputs = new Set(Object.keys(OUTPUT_FIELDS).flatMap((f) => mapping[f as keyof typeof OUTPUT_FIELDS] ?? []));
  const cell = (cells: Record<string, unknown>, header: string | undefined) => String(header ? (cells[header] ?? '') : '').trim();
  const picked: Picked[] = [];
  const approvals: Approval[] = [];
  const problems: string[] = [];
  for (const r of table.rows) {
    const action = reviewAction({
      review: cell(r.cells, mapping.review), feedback: cell(r.cells, mapping.feedback), status: cell(r.cells, mapping.status),
      rowId: cell(r.cells, mapping.rowId), batchId: cell(r.cells, mapping.batchId),
    });
    if (action.kind === 'approve') approvals.push({ rowId: action.rowId, batchId: action.batchId });
    else if (action.kind === 'changes') picked.push({ rowNumber: r.rowNumber, rowId: action.rowId, batchId: action.batchId, feedback: action.feedback, cells: inputCells(r.cells, outputs) });
    else if (action.kind === 'skip') problems.push(`row ${r.rowNumber}: ${action.reason}`);
  }
  for (const p of problems) out.write(`Skipped ${terminalSafe(p)}\n`);
  if (picked.length === 0 && approvals.length === 0) {
    out.write(`Nothing to revise: no DONE row of ${terminalSafe(name)} has Review = Changes with Feedback, or Approve.\n`);
    return problems.length > 0 ? 2 : 0;
  }

  // 2. The server: each batch's round is checked whole (a refused one queues nothing).
  const dataDir = path.resolve(loaded.config.ROWSHOT_DATA_DIR);
  const release = await lockWorkbook(file, dataDir);
  let rowshot: Rowshot | null = null;
  try {
    const opened = await openClient(opts, env, loaded.config, dataDir);
    rowshot = opened.rowshot;
    const { client } = opened;
    const byBatch = groupBy(picked);
    const running: string[] = [];
    let revised = 0;
    for (const [batchId, rows] of byBatch) {
      const res = await client.revise(batchId, {
        rows: rows.map((r) => ({ rowId: r.rowId, feedback: r.feedback, cells: r.cells })),
        ...(opts.maxCostUsd === undefined ? {} : { maxCostUsd: opts.maxCostUsd }),
      }).catch((err: unknown) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw new RunRefused(`${err.describe()}\n  Nothing was queued for batch ${batchId}.`);
        throw err;
      });
      if (res.alreadyApplied.length > 0) out.write(`Batch ${batchId}: ${res.alreadyApplied.length} row(s) already show this feedback applied (${terminalSafe(res.alreadyApplied.join(', '))})\n`);
      if (res.revisedRows > 0) {
        out.write(`Batch ${batchId}: revising ${res.revisedRows} row(s), estimated $${res.estimate.totalUsd.toFixed(2)}\n`);
        running.push(batchId);
        revised += res.revisedRows;
      }
    }

    // Approvals: each batch's at once; the file gets them with the batch's next write.
    const approvedIn = new Map<string, number>();
    for (const [batchId, rows] of groupBy(approvals)) {
      await client.approve(batchId, { rows: rows.map((r) => ({ rowId: r.rowId, approved: true })) }).catch((err: unknown) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw new RunRefused(`${err.describe()}\n  No approval of batch ${batchId} was recorded.`);
        throw err;
      });
      approvedIn.set(batchId, await approvedCount(client, batchId));
      out.write(`Batch ${batchId}: approved ${rows.length} row(s)\n`);
    }

    // 3. Wait until the new versions (and approvals) are in the file.
    let failed = 0;
    for (const batchId of running) {
      let b = await client.getBatch(batchId);
      while (!isFinalBatch(b.state)) {
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
        b = await client.getBatch(batchId);
      }
      const ids = new Set(byBatch.get(batchId)?.map((r) => r.rowId));
      for (let token: string | undefined, first = true; first || token; first = false) {
        const page = await client.listRows(batchId, token ? { pageToken: token } : {});
        for (const r of page.rows) {
          if (!ids.has(r.rowId) || r.state === 'DONE') continue;
          failed++;
          const at = byBatch.get(batchId)?.find((p) => p.rowId === r.rowId)?.rowNumber;
          out.write(`  row ${at ?? '?'} (${terminalSafe(r.rowId)}): ${r.state}${r.reason ? `: ${terminalSafe(r.reason)}` : ''}\n`);
        }
        token = page.nextPageToken ?? undefined;
      }
    }
    for (const [batchId, count] of approvedIn) {
      // The status counts approvals when the batch's next write (the one with the file's cells) is done.
      for (let b = await client.getBatch(batchId); (b.approvedRows ?? 0) < count; b = await client.getBatch(batchId)) await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
    if (revised > 0) out.write(`Revised ${revised - failed} of ${revised} row(s); the new versions are in ${terminalSafe(name)} (earlier versions are kept).\n`);
    return failed > 0 || problems.length > 0 ? 2 : 0;
  } finally {
    await rowshot?.close();
    await release();
  }
}

function groupBy<T extends { batchId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.batchId, [...(out.get(r.batchId) ?? []), r]);
  return out;
}

/** Rows of the batch with an approved version, as their records say (the status catches up at the next flush). */
async function approvedCount(client: ApiClient, batchId: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const page = await client.listRows(batchId, token ? { pageToken: token } : {});
    n += page.rows.filter((r) => r.approved).length;
    token = page.nextPageToken ?? undefined;
  } while (token);
  return n;
}
