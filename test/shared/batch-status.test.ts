import { describe, expect, it } from 'vitest';
import { batchStatusLine, type RowCounts } from '../../shared/index';

const counts = (c: Partial<RowCounts>): RowCounts => ({ QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0, ...c });

describe('batch status wording', () => {
  it('is green "Finished" only when every row is DONE', () => {
    expect(batchStatusLine({ state: 'DONE', rowCount: 5, counts: counts({ DONE: 5 }) })).toEqual({ text: 'Finished', tone: 'ok' });
  });

  it('reads "Finished · 4 failed" in amber when rows failed', () => {
    expect(batchStatusLine({ state: 'DONE', rowCount: 5, counts: counts({ DONE: 1, FAILED: 4 }) })).toEqual({ text: 'Finished · 4 failed', tone: 'warn' });
    expect(batchStatusLine({ state: 'DONE', rowCount: 5, counts: counts({ DONE: 3, FAILED: 1, SKIPPED: 1 }) })).toEqual({ text: 'Finished · 1 failed · 1 skipped', tone: 'warn' });
  });

  it('reads "Cancelled · 186 not run" in grey, with failures named', () => {
    expect(batchStatusLine({ state: 'CANCELLED', rowCount: 213, counts: counts({ DONE: 27, CANCELLED: 186 }) })).toEqual({ text: 'Cancelled · 186 not run', tone: 'muted' });
    expect(batchStatusLine({ state: 'CANCELLED', rowCount: 10, counts: counts({ DONE: 5, CANCELLED: 3, FAILED: 2 }) })).toEqual({ text: 'Cancelled · 3 not run · 2 failed', tone: 'muted' });
    // Cancelled after every row was made: still grey, nothing not run.
    expect(batchStatusLine({ state: 'CANCELLED', rowCount: 2, counts: counts({ DONE: 2 }) })).toEqual({ text: 'Cancelled', tone: 'muted' });
  });

  it('says how far a running batch is', () => {
    expect(batchStatusLine({ state: 'RUNNING', rowCount: 20, counts: counts({ DONE: 11, QUEUED: 9 }) })).toEqual({ text: 'Running · 11 of 20 done', tone: 'active' });
    expect(batchStatusLine({ state: 'ACCEPTED', rowCount: 20, counts: counts({ QUEUED: 20 }) }).tone).toBe('active');
  });
});
