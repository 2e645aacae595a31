// One status wording for a batch, read the same by the running card, the history and the CLI.
// Green ('ok') only when every row is DONE: a finished batch with failures is amber ('warn'),
// a cancelled one grey ('muted'), so "DONE" never hides rows that were not made.
import type { BatchState, RowCounts } from './contracts/batches';

export type StatusTone = 'ok' | 'warn' | 'muted' | 'active';

export interface StatusLine {
  /** e.g. "Finished", "Finished · 4 failed", "Cancelled · 186 not run", "Running · 11 of 20 done". */
  text: string;
  tone: StatusTone;
}

export interface StatusInput {
  state: BatchState;
  rowCount: number;
  counts: RowCounts;
}

export function batchStatusLine(b: StatusInput): StatusLine {
  const c = b.counts;
  if (b.state === 'ACCEPTED') return { text: `Starting · ${b.rowCount} row${b.rowCount === 1 ? '' : 's'}`, tone: 'active' };
  if (b.state === 'RUNNING') return { text: `Running · ${c.DONE} of ${b.rowCount} done`, tone: 'active' };
  const notMade: string[] = [];
  if (b.state === 'CANCELLED') {
    // Rows a cancel caught before they ran; QUEUED ones are counted too (their task may not have arrived yet).
    const notRun = c.CANCELLED + c.QUEUED + c.RUNNING;
    if (notRun > 0) notMade.push(`${notRun} not run`);
  }
  if (c.FAILED > 0) notMade.push(`${c.FAILED} failed`);
  if (c.SKIPPED > 0) notMade.push(`${c.SKIPPED} skipped`);
  if (b.state === 'CANCELLED') return { text: ['Cancelled', ...notMade].join(' · '), tone: 'muted' };
  const allDone = c.DONE === b.rowCount && notMade.length === 0;
  return { text: ['Finished', ...notMade].join(' · '), tone: allDone ? 'ok' : 'warn' };
}
