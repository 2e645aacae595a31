// The run history in document properties: newest first, the last 20 per sheet, under the 9 KB
// of UTF-8 a property holds, dropping runs already synced before runs still waiting for results.
import { describe, expect, it } from 'vitest';
import { loadRuns, MAX_RUNS_PER_SHEET, recordRun, type RunEntry } from '../../../../addon/server/batch/history';
import { MemoryProperties } from '../helpers/memory-stores';

const entry = (i: number, extra: Partial<RunEntry['summary']> = {}, synced = false): RunEntry => ({
  id: `b_${String(i).padStart(4, '0')}`, sheetId: 1, requestId: `req-${i}`, synced, syncedSignature: null, lastSyncAt: null,
  summary: {
    id: `b_${String(i).padStart(4, '0')}`, name: `Sheet1: ${i} rows`, state: 'DONE', createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), rowCount: i,
    counts: { QUEUED: 0, RUNNING: 0, DONE: i, FAILED: 0, SKIPPED: 0, CANCELLED: 0 }, progress: 1, etaSeconds: 0, estimatedUsd: 1, actualUsd: 1, lastWriteError: null, ...extra,
  },
});
const bytes = (props: MemoryProperties, key: string): number => Buffer.byteLength(props.get(key) ?? '', 'utf8');

describe('run history', () => {
  it('keeps the newest 20 runs of a sheet, newest first, and per sheet', () => {
    const props = new MemoryProperties();
    for (let i = 1; i <= 25; i++) recordRun(props, entry(i));
    recordRun(props, { ...entry(99), sheetId: 2 });
    const runs = loadRuns(props, 1);
    expect(runs).toHaveLength(MAX_RUNS_PER_SHEET);
    expect(runs[0]!.id).toBe('b_0025');
    expect(runs[19]!.id).toBe('b_0006');
    expect(loadRuns(props, 2).map((r) => r.id)).toEqual(['b_0099']);
    // JSON-safe: what is stored comes back equal.
    expect(JSON.parse(JSON.stringify(runs))).toEqual(runs);
  });

  it('stays under the 9 KB a property holds, dropping the oldest runs first', () => {
    const props = new MemoryProperties(); // throws above 9 KB of UTF-8, as Apps Script does
    const long = 'x'.repeat(5000);
    for (let i = 1; i <= 20; i++) recordRun(props, entry(i, { name: long, lastWriteError: long }));
    const runs = loadRuns(props, 1);
    expect(runs[0]!.id).toBe('b_0020');
    expect(runs[0]!.summary.name).toHaveLength(100);
    expect(bytes(props, 'rowshot.runs.1')).toBeLessThanOrEqual(9000);
  });

  it('measures bytes, not characters: non-Latin sheet names and long write errors still fit', () => {
    const props = new MemoryProperties();
    // 3 bytes per character: each entry is about 800 characters but 2,000 bytes.
    const name = '商品カタログ'.repeat(20);
    const error = 'シートに書き込めませんでした'.repeat(30);
    for (let i = 1; i <= 20; i++) recordRun(props, entry(i, { name, lastWriteError: error }));
    const runs = loadRuns(props, 1);
    expect(runs[0]!.id).toBe('b_0020'); // the newest run was recorded, not refused
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.map((r) => r.id)).toEqual(runs.map((_, i) => `b_${String(20 - i).padStart(4, '0')}`));
    expect(bytes(props, 'rowshot.runs.1')).toBeLessThanOrEqual(9000);
  });

  it('drops runs already synced before older runs whose results are still to come', () => {
    const props = new MemoryProperties();
    const long = 'x'.repeat(300);
    recordRun(props, entry(1, { lastWriteError: long }, false)); // oldest, still pending
    for (let i = 2; i <= 20; i++) recordRun(props, entry(i, { lastWriteError: long }, true));
    const ids = loadRuns(props, 1).map((r) => r.id);
    expect(ids.length).toBeLessThan(20);
    expect(ids).toContain('b_0001');
    expect(ids[0]).toBe('b_0020');
    expect(ids).not.toContain('b_0002');
  });

  it('reads a damaged value as an empty history', () => {
    const props = new MemoryProperties();
    props.set('rowshot.runs.1', '{not json');
    expect(loadRuns(props, 1)).toEqual([]);
    props.set('rowshot.runs.1', JSON.stringify([{ id: 1 }, entry(3)]));
    expect(loadRuns(props, 1).map((r) => r.id)).toEqual(['b_0003']);
  });
});
