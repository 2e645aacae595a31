import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../backend/src/cli/progress';
import type { BatchStatus } from '../../../shared/index';

const status = (counts: Partial<BatchStatus['counts']>, etaSeconds: number | null): BatchStatus => ({
  id: 'b_x', name: 'x', state: 'RUNNING', createdAt: '', updatedAt: '', finishedAt: null, rowCount: 60,
  counts: { QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0, ...counts },
  cost: { estimatedUsd: 0, actualUsd: 0, maxUsd: null }, etaSeconds, progress: 0, statusUrl: '', target: { kind: 'none' }, lastWriteError: null,
});

function capture(): { out: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return { out: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('the progress line after a resume', () => {
  it('shows the rows\' real counts at once while the server\'s status still lags, with no stale ETA', () => {
    const c = capture();
    const p = createProgress(60, c.out, { QUEUED: 2, RUNNING: 0, DONE: 56, FAILED: 2, SKIPPED: 0, CANCELLED: 0 });
    // The status record still says 4 rows and an ETA from before the crash.
    p.update(status({ DONE: 4, QUEUED: 56 }, 710));
    expect(c.text()).toBe('58/60 rows (56 done, 2 failed) | 0.0 rows/s | ETA … | $0.00\n');
  });

  it('uses the server\'s counts and ETA once they have caught up', () => {
    const c = capture();
    const p = createProgress(60, c.out, { QUEUED: 20, RUNNING: 0, DONE: 40, FAILED: 0, SKIPPED: 0, CANCELLED: 0 });
    p.update(status({ DONE: 45, QUEUED: 15 }, 30));
    expect(c.text()).toMatch(/^45\/60 rows \(45 done, 0 failed\) \| [\d.]+ rows\/s \| ETA 30s \| \$0\.00\n$/);
  });

  it('without a resume, is unchanged: server ETA, counts from the status', () => {
    const c = capture();
    createProgress(60, c.out).update(status({ DONE: 10, QUEUED: 50 }, 125));
    expect(c.text()).toMatch(/^10\/60 rows \(10 done, 0 failed\) \| [\d.]+ rows\/s \| ETA 2m05s \| \$0\.00\n$/);
  });
});

describe('the progress line when results cannot be written', () => {
  it('says so once per new reason, while the rows go on finishing', () => {
    const c = capture();
    const p = createProgress(60, c.out);
    const stuck = { ...status({ DONE: 10, QUEUED: 50 }, 60), lastWriteError: '"cards.csv" is locked by another program (is it open in Excel?)\u001b[2J' };
    p.update(stuck);
    p.update({ ...stuck, counts: { ...stuck.counts, DONE: 60, QUEUED: 0 } });
    const warnings = c.text().split('\n').filter((l) => l.startsWith('Warning:'));
    expect(warnings).toEqual(['Warning: results are not reaching the file: "cards.csv" is locked by another program (is it open in Excel?)?[2J. Finished rows are kept and written once this is fixed.']);
  });
});
