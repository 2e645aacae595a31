// `rowshot run FILE`: the main job. Checks everything that could refuse the run (the workbook's
// lock, the file, the budget, the server and its word on the batch) while only reading, then
// prepares the workbook (output columns, Row IDs), submits the rows that still need work, shows
// progress until the results are written back, and prints a summary.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { batchStatusLine, isFinalBatch, mapHeaders, OUTPUT_FIELDS, type BatchRowInput, type BatchStatus, type ColumnMapping, type EstimateChecks, type CreateBatchRequest, type RowResult, type TargetRef, type ResizeMode, type TextFit, type TextMode } from '../../../shared/index';
import { ensureRowIds, plannedRowIds } from '../adapters/local/workbook/row-ids';
import { defaultProviderChain, loadConfig, type Config } from '../config';
import { writeFileWhole } from '../local-secrets';
import { createRowshot, type Rowshot } from '../compose';
import { createLogger } from '../http/logger';
import { fileDestination } from '../http/log-destination';
import { ApiClient, ApiError } from './api-client';
import { checkPackKits, syncPackDir } from './pack-dir';
import { RunRefused } from './cli-errors';
import { confirmCost, terminalAsk } from './confirm-cost';
import { dryRun, priceRows, writeWarnings } from './dry-run';
import { assertWritableFile, preflightFile } from './preflight';
import { terminalSafe } from './terminal-text';
import { lockWorkbook } from './workbook-lock';
import { currentCounts } from './resume-counts';
import { selectRows, type RowChoice, type Selection } from './row-selection';
import { createProgress } from './progress';

export interface RunOptions {
  file: string;
  packDir?: string;
  out?: string;
  retryFailed: boolean;
  server?: string;
  apiKey?: string;
  sheet?: string;
  pollMs?: number;
  /** `--map`: field → header, over the automatic mapping. */
  columns?: ColumnMapping;
  dryRun?: boolean;
  maxCostUsd?: number;
  /** `--limit`: the first N rows that need work. */
  limit?: number;
  /** `--force`: re-render rows even if DONE. */
  force?: boolean;
  /** `--rows 2-5,9`: sheet row numbers. */
  rows?: ReadonlySet<number>;
  /** `--name`: the batch's name. */
  name?: string;
  /** `--text`: the Text mode of rows whose Text cell is empty. */
  textDefault?: TextMode;
  /** `--resize`: the Resize mode of AI rows whose Resize cell is empty. */
  resizeDefault?: ResizeMode;
  /** `--text-fit`: one headline size per set (default) or per image. */
  textFit?: TextFit;
  /** `--long-edge`: pixels on the long edge of ratio sizes (`4:5`). */
  longEdge?: number;
  /** `--name-template`: names of the images in the assets folder (and the zip), e.g. `{{Name}}-{{size}}`. */
  nameTemplate?: string;
  /** `--yes`: run a paid batch over ROWSHOT_CONFIRM_ABOVE_USD without asking. */
  yes?: boolean;
}

export class UsageError extends Error {}

interface RunState {
  idempotencyKey: string;
  batchId: string | null;
}

const OUTPUT_LABELS = new Set(Object.values(OUTPUT_FIELDS).map((l) => l.toLowerCase()));

export async function runCommand(opts: RunOptions, env: Record<string, string | undefined>, out = process.stdout): Promise<number> {
  const file = path.resolve(opts.file);
  if (!/\.(csv|xlsx)$/i.test(file)) throw new UsageError(`${opts.file}: Rowshot reads .csv and .xlsx files`);
  await access(file).catch(() => {
    throw new UsageError(`${opts.file}: no such file`);
  });
  const assetsDir = path.resolve(opts.out ?? file.replace(/\.(csv|xlsx)$/i, '-assets'));
  const packDir = opts.packDir ? path.resolve(opts.packDir) : path.join(path.dirname(file), 'packs');
  if (opts.packDir) await access(packDir).catch(() => { throw new UsageError(`--pack-dir ${opts.packDir}: no such folder`); });
  // A bad kit.json stops the run before the file is touched.
  await checkPackKits(packDir);

  const loaded = loadConfig({
    ...env,
    PORT: opts.server ? (env.PORT ?? '0') : '0',
    ROWSHOT_WORKBOOK_ROOTS: [path.dirname(file), assetsDir, env.ROWSHOT_WORKBOOK_ROOTS ?? ''].filter(Boolean).join(','),
  });
  if (!loaded.ok) throw new UsageError(loaded.message);
  const dataDir = path.resolve(loaded.config.ROWSHOT_DATA_DIR);
  const columns = opts.columns ?? {};

  // A dry run only reads; a run holds the workbook's lock (beside the file) from here on.
  const releaseWorkbook = opts.dryRun ? null : await lockWorkbook(file, dataDir);
  let rowshot: Rowshot | null = null;
  const stop = async () => {
    await rowshot?.close();
    await releaseWorkbook?.();
  };
  const onSigint = () => {
    process.stderr.write('\nInterrupted. Nothing is lost: run the same command again to resume.\n');
    void stop().then(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  try {
    // 1. Every check first, reading only: the file as read, that it can be written, the budget,
    // the server (the embedded one takes the data folder's lock) and the server's word on the
    // batch. The file is prepared (output columns, Row IDs) only once all of them pass.
    const read = await preflightFile(file, opts.sheet, columns, (line) => process.stderr.write(`${terminalSafe(line)}\n`));
    const choice: RowChoice = { retryFailed: opts.retryFailed, force: opts.force ?? false, rows: opts.rows ?? null, limit: opts.limit ?? null };
    const readMapping = mapHeaders(read.headers, columns);
    const planned = selectRows(read.rows, (r) => statusCell(readMapping, r.cells), choice);
    const plannedRows = planned.todo.map((r) => ({ rowNumber: r.rowNumber, cells: inputCells(r.cells, outputHeadersOf(readMapping)) }));
    const resize = opts.resizeDefault ? { resizeDefault: opts.resizeDefault } : {};
    const remote = opts.server ? new ApiClient(opts.server, requireKey(opts, env)) : null;
    const pricing = {
      columns, chain: defaultProviderChain(loaded.config), imageSize: loaded.config.ROWSHOT_IMAGE_SIZE, nowMs: Date.now(),
      ...(remote
        ? { price: (rows: BatchRowInput[]) => remote.estimate({ rows, ...(Object.keys(columns).length > 0 ? { columns: columns as Record<string, string> } : {}), ...resize }) }
        : { checks: { ...(loaded.config.ROWSHOT_MODE === 'cloud' ? {} : await localChecks(packDir)), ...(opts.resizeDefault ? { rowDefaults: { resize: opts.resizeDefault } } : {}) } }),
    };
    if (opts.dryRun) {
      return await dryRun({ ...pricing, file: path.relative(process.cwd(), file) || file, rows: plannedRows, skipped: skippedText(planned), maxCostUsd: opts.maxCostUsd ?? null }, out);
    }
    await assertWritableFile(file);
    // --max-cost and the confirmation come before the file is prepared, so a refused run changes nothing.
    if (plannedRows.length > 0) {
      const e = await priceRows(pricing, plannedRows);
      if (opts.maxCostUsd !== undefined && e.totalUsd > opts.maxCostUsd) {
        throw new RunRefused(`The estimate of $${e.totalUsd.toFixed(2)} for ${plannedRows.length} row(s) is over --max-cost $${opts.maxCostUsd.toFixed(2)}: nothing was submitted and the file is unchanged (try --dry-run or --limit).`);
      }
      writeWarnings(e, process.stderr);
      await confirmCost({ estimate: e, rows: plannedRows.length, thresholdUsd: loaded.config.ROWSHOT_CONFIRM_ABOVE_USD, yes: opts.yes ?? false, ask: terminalAsk() }, out);
    }

    const opened = await openClient(opts, env, loaded.config, dataDir);
    rowshot = opened.rowshot;
    const { client, baseUrl } = opened;
    const target: TargetRef = { kind: 'workbook', path: file, links: 'files', assetsDir, ...(opts.sheet ? { sheet: opts.sheet } : {}) };
    const batchRequest = (rows: CreateBatchRequest['rows']): CreateBatchRequest => ({
      name: opts.name ?? path.basename(file),
      ...(opts.maxCostUsd !== undefined ? { maxCostUsd: opts.maxCostUsd } : {}),
      ...(opts.textDefault ? { textDefault: opts.textDefault } : {}),
      ...resize,
      ...(opts.textFit ? { textFit: opts.textFit } : {}),
      ...(opts.longEdge !== undefined ? { longEdge: opts.longEdge } : {}),
      ...(opts.nameTemplate !== undefined ? { fileNameTemplate: opts.nameTemplate } : {}),
      rows,
      ...(Object.keys(columns).length > 0 ? { columns: columns as Record<string, string> } : {}),
      target,
    });

    // 2. Reference packs from folders.
    try {
      await access(packDir);
      const synced = await syncPackDir(client, packDir, path.join(dataDir, 'cli-packs.json'), baseUrl.replace(/:\d+$/, ''));
      if (synced.created.length > 0) out.write(`Reference packs uploaded: ${terminalSafe(synced.created.join(', '))}\n`);
    } catch (err) {
      if (err instanceof ApiError || err instanceof RunRefused) throw err;
      if (opts.packDir) throw err;
    }

    // 3. Resume the file's unfinished batch, or check the new one with the server.
    const stateFile = path.join(dataDir, 'cli-runs', `${createHash('sha256').update(file).digest('hex').slice(0, 24)}.json`);
    let state = await readRunState(stateFile);
    let batch: BatchStatus | null = null;
    let resumed: BatchStatus['counts'] | undefined;
    if (state?.batchId) {
      // Only "no such batch" means start afresh; any other error (a network blip with --server)
      // must not submit the same rows a second time.
      batch = await client.getBatch(state.batchId).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      });
      if (batch && isFinalBatch(batch.state)) batch = null;
      else if (batch) {
        resumed = await currentCounts(client, batch.id);
        out.write(`Resuming batch ${batch.id} (${batch.rowCount} rows, ${finishedText(resumed)} already)\n`);
      }
    }
    if (!batch) {
      if (planned.todo.length === 0) {
        const { skippedDone, skippedFailed } = planned;
        out.write(`Nothing to do: ${skippedDone} row(s) already DONE${skippedFailed > 0 ? `, ${skippedFailed} FAILED (use --retry-failed to run them again)` : ''}${skippedDone > 0 ? '; --force re-renders DONE rows' : ''}.\n`);
        return skippedFailed > 0 ? 2 : 0;
      }
      // Rows without a usable Row ID are checked under IDs like those they will get.
      const ids = plannedRowIds(read.rows.map((r) => cellText(readMapping.rowId ? r.cells[readMapping.rowId] : null)));
      const rowIndex = new Map(read.rows.map((r, i) => [r.rowNumber, i]));
      const checkRows = planned.todo.map((r, i) => ({ rowId: ids[rowIndex.get(r.rowNumber) ?? 0] as string, cells: plannedRows[i]!.cells }));
      await client.checkBatch(batchRequest(checkRows)).catch((err: unknown) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
          throw new RunRefused(`${err.describe()}\n  Nothing was submitted and ${path.basename(file)} is unchanged.`);
        }
        throw err;
      });
    }

    // 4. Only now the file is prepared: output columns and Row IDs.
    const table = await ensureRowIds(file, opts.sheet ? { sheet: opts.sheet } : {});
    const mapping = mapHeaders(table.headers, columns);
    const outputHeaders = outputHeadersOf(mapping);
    const selection = selectRows(table.rows, (r) => statusCell(mapping, r.cells), choice);
    const { todo, skippedFailed } = selection;
    const rowNumbers = new Map(table.rows.map((r) => [r.rowId, r.rowNumber]));

    if (!batch) {
      const request = batchRequest(todo.map((r) => ({ rowId: r.rowId, cells: inputCells(r.cells, outputHeaders) })));
      state = state && state.batchId === null ? state : { idempotencyKey: randomUUID(), batchId: null };
      await writeRunState(stateFile, state);
      const created = await client.createBatch(request, state.idempotencyKey).catch(async (err: unknown) => {
        if (err instanceof ApiError && err.status === 409) {
          state = { idempotencyKey: randomUUID(), batchId: null };
          return client.createBatch(request, state.idempotencyKey);
        }
        throw err;
      });
      state = { ...state, batchId: created.id };
      await writeRunState(stateFile, state);
      const skipped = skippedText(selection);
      out.write(`Batch ${created.id}: ${todo.length} row(s)${skipped ? ` (skipping ${skipped})` : ''}\n`);
      batch = await client.getBatch(created.id);
    }

    // 5. Progress until the results are in the file.
    const progress = createProgress(batch.rowCount, process.stderr, resumed);
    const started = Date.now();
    while (!isFinalBatch(batch.state)) {
      progress.update(batch);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
      batch = await client.getBatch(batch.id);
    }
    progress.update(batch);
    progress.stop();
    const code = await summarise(client, batch, { file, assetsDir, rowNumbers, seconds: (Date.now() - started) / 1000 }, out);
    if (skippedFailed > 0) out.write(`${skippedFailed} earlier FAILED row(s) were not run again; use --retry-failed to retry them.\n`);
    // 0 only when every row of the file is DONE.
    return skippedFailed > 0 ? 2 : code;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await stop();
  }
}

/** The API client for a command: --server's, or an embedded server's on this data folder (`rowshot` to close). */
export async function openClient(
  opts: Pick<RunOptions, 'server' | 'apiKey'>, env: Record<string, string | undefined>, config: Config, dataDir: string,
): Promise<{ client: ApiClient; baseUrl: string; rowshot: Rowshot | null }> {
  if (opts.server) return { client: new ApiClient(opts.server, requireKey(opts, env)), baseUrl: opts.server, rowshot: null };
  if (config.ROWSHOT_MODE !== 'local') throw new UsageError('this command embeds a local server; with ROWSHOT_MODE=cloud, pass --server URL (and --api-key)');
  await mkdir(dataDir, { recursive: true });
  const logger = createLogger(config.ROWSHOT_LOG_LEVEL, fileDestination(path.join(dataDir, 'rowshot.log')));
  const rowshot = await createRowshot(config, { logger });
  const baseUrl = (await rowshot.listen()).url;
  const apiKey = (await readFile(rowshot.devKeyFile as string, 'utf8')).trim();
  return { client: new ApiClient(baseUrl, apiKey), baseUrl, rowshot };
}

const cellText = (v: unknown): string => (v === null || v === undefined ? '' : String(v)).trim();

function finishedText(c: BatchStatus['counts']): string {
  return `${c.DONE} done, ${c.FAILED + c.SKIPPED} failed`;
}

function requireKey(opts: Pick<RunOptions, 'apiKey'>, env: Record<string, string | undefined>): string {
  const key = opts.apiKey ?? env.ROWSHOT_API_KEY ?? '';
  if (!key) throw new UsageError('--server needs an API key: pass --api-key or set ROWSHOT_API_KEY');
  return key;
}

function statusCell(mapping: ColumnMapping, cells: Record<string, unknown>): string {
  return String(mapping.status ? (cells[mapping.status] ?? '') : '').trim().toUpperCase();
}

function outputHeadersOf(mapping: ColumnMapping): Set<string> {
  return new Set(Object.keys(OUTPUT_FIELDS).flatMap((f) => mapping[f as keyof typeof OUTPUT_FIELDS] ?? []));
}

function skippedText(sel: Selection<unknown>): string {
  return [
    sel.skippedDone > 0 ? `${sel.skippedDone} already DONE` : '',
    sel.skippedFailed > 0 ? `${sel.skippedFailed} FAILED (use --retry-failed)` : '',
    sel.overLimit > 0 ? `${sel.overLimit} over --limit` : '',
  ].filter(Boolean).join(', ');
}

export function inputCells(cells: Record<string, string | number | boolean | null>, outputs: ReadonlySet<string>): Record<string, string | number | boolean | null> {
  return Object.fromEntries(Object.entries(cells).filter(([h]) => !outputs.has(h) && !OUTPUT_LABELS.has(h.trim().toLowerCase())));
}

async function summarise(
  client: ApiClient, b: BatchStatus, ctx: { file: string; assetsDir: string; rowNumbers: Map<string, number>; seconds: number }, out: NodeJS.WritableStream,
): Promise<number> {
  const c = b.counts;
  // The same status wording as the add-on's cards (shared/batch-status.ts), then the counts.
  out.write(`\n${batchStatusLine(b).text}: ${c.DONE} done, ${c.FAILED} failed, ${c.SKIPPED} skipped${c.CANCELLED ? `, ${c.CANCELLED} cancelled` : ''} in ${ctx.seconds.toFixed(1)} s · cost $${b.cost.actualUsd.toFixed(2)}\n`);
  out.write(`Results written to ${terminalSafe(path.relative(process.cwd(), ctx.file) || ctx.file)}; images in ${terminalSafe(path.relative(process.cwd(), ctx.assetsDir) || ctx.assetsDir)}${path.sep}\n`);
  if (b.lastWriteError) out.write(`Warning: ${terminalSafe(b.lastWriteError)}\n`);
  const bad: RowResult[] = [];
  for (const state of ['FAILED', 'SKIPPED'] as const) {
    if (c[state] === 0) continue;
    let pageToken: string | undefined;
    do {
      const page = await client.listRows(b.id, { state, ...(pageToken ? { pageToken } : {}) });
      bad.push(...page.rows);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
  }
  if (bad.length > 0) {
    out.write(`\nRows that did not finish:\n`);
    for (const r of bad.sort((x, y) => (ctx.rowNumbers.get(x.rowId) ?? 0) - (ctx.rowNumbers.get(y.rowId) ?? 0))) {
      out.write(`  row ${ctx.rowNumbers.get(r.rowId) ?? '?'} (${terminalSafe(r.rowId)}): ${r.state}: ${terminalSafe(r.reason ?? 'no reason given')}\n`);
    }
  }
  return c.DONE === b.rowCount ? 0 : 2;
}

/**
 * For a pricing without --server: the packs the pack folder makes (created from it before the
 * batch is submitted). Models are checked by a server's own estimate (--server).
 */
async function localChecks(packDir: string): Promise<EstimateChecks> {
  const names = new Set<string>();
  const entries = await readdir(packDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) names.add(e.name.trim().toLowerCase());
  return { packExists: (name) => names.has(name.trim().toLowerCase()) };
}

async function readRunState(file: string): Promise<RunState | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunState;
  } catch {
    return null;
  }
}
async function writeRunState(file: string, state: RunState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileWhole(file, JSON.stringify(state));
}
