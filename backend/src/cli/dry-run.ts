// `rowshot run --dry-run`: the pre-flight and the estimate, per row and in total, with nothing
// submitted and the file untouched (it is only read). Priced by the same shared function the
// server uses (or by the server itself with --server).
import { estimateRows, type BatchRowInput, type ColumnMapping, type Estimate, type EstimateChecks } from '../../../shared/index';
import { terminalSafe } from './terminal-text';

export interface Pricing {
  columns: ColumnMapping;
  /** Prices the rows: the server's /v1/estimate, or the shared estimate with the local chain. */
  price?: (rows: BatchRowInput[]) => Promise<Estimate>;
  chain: readonly string[];
  imageSize?: string;
  /** Without a server: the models the embedded server runs and the packs of the pack folder. */
  checks?: EstimateChecks;
  /** Now, for the models' shutdown dates. */
  nowMs?: number;
}

export interface PlannedRow {
  rowNumber: number;
  cells: BatchRowInput['cells'];
}

export interface DryRunInput extends Pricing {
  file: string;
  rows: PlannedRow[];
  skipped: string;
  maxCostUsd: number | null;
}

/** Rows are priced under `row-<sheet row number>` ids (the file has no Row IDs yet). */
export async function priceRows(p: Pricing, planned: readonly PlannedRow[]): Promise<Estimate> {
  const rows: BatchRowInput[] = planned.map((r) => ({ rowId: `row-${r.rowNumber}`, cells: r.cells }));
  return p.price ? p.price(rows) : estimateRows(rows, p.chain, p.columns, p.imageSize, { ...p.checks, ...(p.nowMs === undefined ? {} : { nowMs: p.nowMs }) });
}

/** Models of the run that shut down soon, one line each. */
export function writeWarnings(e: Estimate, out: NodeJS.WritableStream): void {
  for (const w of e.warnings ?? []) out.write(`Warning: ${w}\n`);
}

/** Prints the estimate; 0, or 1 when it is over --max-cost (the run would be refused). */
export async function dryRun(input: DryRunInput, out: NodeJS.WritableStream): Promise<number> {
  out.write(`Dry run: nothing is submitted and ${terminalSafe(input.file)} is not changed.\n`);
  if (input.rows.length === 0) {
    out.write(`No row needs work${input.skipped ? ` (skipping ${input.skipped})` : ''}.\n`);
    return 0;
  }
  const e = await priceRows(input, input.rows);
  const width = Math.max(...e.rows.map((r) => r.rowId.length - 4));
  for (const r of e.rows) {
    const label = `row ${r.rowId.slice(4).padStart(width)}`;
    if (r.invalid !== undefined) out.write(`  ${label}  would fail: ${terminalSafe(r.invalid)}\n`);
    else out.write(`  ${label}  ${String(r.images).padStart(2)} image${r.images === 1 ? ' ' : 's'}  ${terminalSafe(r.model).padEnd(24)}  $${r.costUsd.toFixed(2)}\n`);
    if (r.flag !== undefined) out.write(`  ${' '.repeat(label.length)}  would fail on this server: ${terminalSafe(r.flag)}\n`);
  }
  writeWarnings(e, out);
  const failing = e.invalidRows + (e.flaggedRows ?? 0);
  const invalid = failing > 0 ? `, ${failing} would fail` : '';
  out.write(`Total: ${input.rows.length} row(s), ${e.images} image(s), $${e.totalUsd.toFixed(2)}${invalid}${input.skipped ? ` (skipping ${input.skipped})` : ''}.\n`);
  if (input.maxCostUsd !== null && e.totalUsd > input.maxCostUsd) {
    out.write(`The estimate of $${e.totalUsd.toFixed(2)} is over --max-cost $${input.maxCostUsd.toFixed(2)}: this run would be refused.\n`);
    return 1;
  }
  return 0;
}
