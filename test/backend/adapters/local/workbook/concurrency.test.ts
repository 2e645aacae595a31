import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomicWriteFile, withPathLock } from '../../../../../backend/src/adapters/local/workbook/atomic-write';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../../../../../backend/src/adapters/local/workbook/workbook-target';
import { FakeAssets, rowWrite, tempDir } from './fixtures/helpers';

let root: string;
let cleanup: () => Promise<void>;
const assets = new FakeAssets();

beforeAll(async () => ({ dir: root, cleanup } = await tempDir()));
afterAll(() => cleanup());

/**
 * Reads `file` in a tight loop on another thread (true parallelism with our writes) until
 * told to stop, and checks every read is a complete file: it must end with `tail` and hold
 * `lines` CRLF-terminated lines.
 */
function startReader(file: string, tail: string, lines: number): { stop: () => Promise<{ reads: number; bad: string[] }> } {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const flag = workerData.stop;
    let reads = 0;
    const bad = [];
    while (Atomics.load(flag, 0) === 0) {
      let text;
      try { text = fs.readFileSync(workerData.file, 'utf8'); } catch (e) { bad.push('read failed: ' + e.code); continue; }
      reads++;
      const n = text.split('\\r\\n').length - 1;
      if (!text.endsWith(workerData.tail) || n !== workerData.lines) bad.push('incomplete file: ' + text.length + ' chars, ' + n + ' lines');
    }
    parentPort.postMessage({ reads, bad: bad.slice(0, 5) });
    `,
    { eval: true, workerData: { file, tail, lines, stop } },
  );
  const done = new Promise<{ reads: number; bad: string[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      Atomics.store(stop, 0, 1);
      const result = await done;
      await worker.terminate();
      return result;
    },
  };
}

describe('atomic writes', () => {
  it('never lets a concurrent reader see a half-written file during 20 writes', async () => {
    const file = path.join(root, 'watched.csv');
    const rows = 3000; // ~ 300 KB: big enough that a non-atomic write is caught mid-way
    const body = Array.from({ length: rows }, (_, i) => `Person ${i},"Card for person ${i}, with confetti",r_${String(i).padStart(10, '0')}`);
    const sentinel = 'Last,"never written by the batch",r_sentinel';
    await writeFile(file, `Name,Prompt,Row ID\r\n${body.join('\r\n')}\r\n${sentinel}\r\n`);
    const target = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    // The first write adds the output columns; after it the last line never changes.
    await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [rowWrite('r_0000000000')]);
    const lastLine = (await readFile(file, 'utf8')).split('\r\n').at(-2)!;
    expect(lastLine.startsWith(sentinel)).toBe(true);

    const reader = startReader(file, `${lastLine}\r\n`, rows + 2);
    for (let k = 0; k < 20; k++) {
      const batch = Array.from({ length: 200 }, (_, j) => rowWrite(`r_${String((k * 137 + j * 11) % rows).padStart(10, '0')}`, { batchId: `b_${k}`, costUsd: k }));
      const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', batch);
      expect(out).toMatchObject({ ok: true, written: 200 });
    }
    const { reads, bad } = await reader.stop();
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    // No temp files left behind.
    expect((await readdir(root)).filter((n) => n.includes('rowshot-tmp'))).toEqual([]);
  });

  it('replaces a file atomically and keeps its permissions', async () => {
    const file = path.join(root, 'mode.txt');
    await writeFile(file, 'old', { mode: 0o600 });
    await atomicWriteFile(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    const { stat } = await import('node:fs/promises');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('runs work for one path strictly one after another, even when one fails', async () => {
    const order: string[] = [];
    const slow = (name: string, ms: number, fail = false) => withPathLock('/same', async () => {
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    });
    const results = await Promise.allSettled([slow('a', 30, true), slow('b', 5), slow('c', 1)]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});

describe('two batches writing one workbook at the same time', () => {
  it('keeps both sets of results (CSV)', async () => {
    const file = path.join(root, 'shared.csv');
    await writeFile(file, `Name\r\n${Array.from({ length: 200 }, (_, i) => `P${i}`).join('\r\n')}\r\n`);
    const { rows } = await ensureRowIds(file);
    const first = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    const second = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    const evens = rows.filter((_, i) => i % 2 === 0).map((r) => rowWrite(r.rowId, { batchId: 'b_even' }));
    const odds = rows.filter((_, i) => i % 2 === 1).map((r) => rowWrite(r.rowId, { batchId: 'b_odd' }));
    // Interleaved writes from both batches, all in flight at once, one of them via a
    // different spelling of the same path.
    const alias = path.join(root, '.', 'x', '..', 'shared.csv');
    const outs = await Promise.all([
      first.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', evens.slice(0, 50)),
      second.write({ kind: 'workbook', path: alias, links: 'urls' }, 't1', odds.slice(0, 50)),
      first.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', evens.slice(50)),
      second.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', odds.slice(50)),
    ]);
    expect(outs.every((o) => o.ok)).toBe(true);
    const table = await readWorkbook(file);
    expect(table.rows.map((r) => r.cells['Batch ID'])).toEqual(rows.map((_, i) => (i % 2 === 0 ? 'b_even' : 'b_odd')));
  });

  it('keeps both sets of results (XLSX)', async () => {
    const file = path.join(root, 'shared.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Name']);
    for (let i = 0; i < 40; i++) ws.addRow([`P${i}`]);
    await wb.xlsx.writeFile(file);
    const { rows } = await ensureRowIds(file);
    const t1 = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    const t2 = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    const outs = await Promise.all([
      t1.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', rows.slice(0, 20).map((r) => rowWrite(r.rowId, { batchId: 'b_one' }))),
      t2.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', rows.slice(20).map((r) => rowWrite(r.rowId, { batchId: 'b_two' }))),
    ]);
    expect(outs).toEqual([{ ok: true, written: 20, missingRowIds: [] }, { ok: true, written: 20, missingRowIds: [] }]);
    const table = await readWorkbook(file);
    expect(table.rows.map((r) => r.cells['Batch ID'])).toEqual(rows.map((_, i) => (i < 20 ? 'b_one' : 'b_two')));
  });
});
