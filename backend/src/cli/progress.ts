// Live progress: a bar on a terminal, a line every few seconds otherwise (CI, pipes).
import cliProgress from 'cli-progress';
import type { BatchStatus } from '../../../shared/index';

export interface Progress {
  update(s: BatchStatus): void;
  stop(): void;
}

/** The server's ETA, or (early on, before it has two samples) one from the rate seen here. */
const eta = (s: BatchStatus, finished: number, perSecond: number): string => {
  const secs = s.etaSeconds ?? (perSecond > 0 && finished > 0 ? Math.ceil((s.rowCount - finished) / perSecond) : null);
  if (secs === null) return '…';
  const m = Math.floor(secs / 60);
  return m > 0 ? `${m}m${String(secs % 60).padStart(2, '0')}s` : `${secs}s`;
};

export function createProgress(total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const fields = (s: BatchStatus) => {
    const finished = s.counts.DONE + s.counts.FAILED + s.counts.SKIPPED + s.counts.CANCELLED;
    const secs = (Date.now() - started) / 1000;
    const perSecond = secs > 0 ? finished / secs : 0;
    return {
      finished,
      done: s.counts.DONE,
      failed: s.counts.FAILED + s.counts.SKIPPED,
      rate: perSecond.toFixed(1),
      etaText: eta(s, finished, perSecond),
      cost: s.cost.actualUsd.toFixed(2),
    };
  };
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {percentage}% | {done} done, {failed} failed / {total} | {rate} rows/s | ETA {etaText} | ${cost}',
        barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, stream: out, clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { done: 0, failed: 0, rate: '0.0', etaText: '…', cost: '0.00' });
    return { update: (s) => { const f = fields(s); bar.update(f.finished, f); }, stop: () => bar.stop() };
  }
  let last = 0;
  let lastFinished = -1;
  return {
    update(s) {
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
