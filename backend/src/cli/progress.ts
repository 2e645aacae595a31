// Live progress: a bar on a terminal, a line every few seconds otherwise (CI, pipes).
import cliProgress from 'cli-progress';
import type { BatchStatus } from '../../../shared/index';
import { terminalSafe } from './terminal-text';

export interface Progress {
  update(s: BatchStatus): void;
  stop(): void;
}

/**
 * The server's ETA, or (early on, before it has two samples, and while its status still lags
 * behind the rows after a resume) one from the rate seen here.
 */
const eta = (s: BatchStatus, finished: number, perSecond: number, useServer: boolean): string => {
  const local = perSecond > 0 ? Math.ceil((s.rowCount - finished) / perSecond) : null;
  const secs = finished >= s.rowCount ? 0 : useServer ? (s.etaSeconds ?? local) : local;
  if (secs === null) return '…';
  const m = Math.floor(secs / 60);
  return m > 0 ? `${m}m${String(secs % 60).padStart(2, '0')}s` : `${secs}s`;
};

const finishedOf = (c: BatchStatus['counts']): number => c.DONE + c.FAILED + c.SKIPPED + c.CANCELLED;

/**
 * `resumed`: the counts read from the rows when a run resumes. Until the server's status has
 * caught up with them, they are shown instead, and the rate counts only rows finished here.
 */
export function createProgress(total: number, out: NodeJS.WriteStream = process.stderr, resumed?: BatchStatus['counts']): Progress {
  const started = Date.now();
  const baseline = resumed ? finishedOf(resumed) : 0;
  const fields = (s: BatchStatus) => {
    const lagging = resumed !== undefined && finishedOf(s.counts) < baseline;
    const counts = lagging && resumed ? resumed : s.counts;
    const finished = finishedOf(counts);
    const secs = (Date.now() - started) / 1000;
    const perSecond = secs > 0 ? Math.max(0, finished - baseline) / secs : 0;
    return {
      finished,
      done: counts.DONE,
      failed: counts.FAILED + counts.SKIPPED,
      rate: perSecond.toFixed(1),
      etaText: eta(s, finished, perSecond, !lagging && !(resumed && finished === baseline)),
      cost: s.cost.actualUsd.toFixed(2),
    };
  };
  // Rows can finish while their results cannot be written (a read-only assets folder, a file
  // open in Excel): said once per new reason, so the bar never suggests the file is filling.
  let lastWriteError: string | null = null;
  const writeWarning = (s: BatchStatus, prefix: string) => {
    if (s.lastWriteError === null || s.lastWriteError === lastWriteError) return;
    lastWriteError = s.lastWriteError;
    out.write(`${prefix}Warning: results are not reaching the file: ${terminalSafe(s.lastWriteError)}. Finished rows are kept and written once this is fixed.\n`);
  };
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {percentage}% | {done} done, {failed} failed / {total} | {rate} rows/s | ETA {etaText} | ${cost}',
        barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, stream: out, clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, baseline, { done: resumed?.DONE ?? 0, failed: (resumed?.FAILED ?? 0) + (resumed?.SKIPPED ?? 0), rate: '0.0', etaText: '…', cost: '0.00' });
    return { update: (s) => { writeWarning(s, '\n'); const f = fields(s); bar.update(f.finished, f); }, stop: () => bar.stop() };
  }
  let last = 0;
  let lastFinished = -1;
  return {
    update(s) {
      writeWarning(s, '');
      const f = fields(s);
      if (Date.now() - last < 2000 && f.finished !== total) return;
      if (f.finished === lastFinished && Date.now() - last < 10_000) return;
      last = Date.now();
      lastFinished = f.finished;
      out.write(`${f.finished}/${total} rows (${f.done} done, ${f.failed} failed) | ${f.rate} rows/s | ETA ${f.etaText} | $${f.cost}\n`);
    },
    stop() {},
  };
}
