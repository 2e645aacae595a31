// SheetsTarget with the real @googleapis/sheets client against a local fake of the Sheets API.
import { auth, sheets as sheetsClient } from '@googleapis/sheets';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SheetsTarget, type SheetsTargetOptions } from '../../../../backend/src/adapters/google/sheets-target';
import { SheetsWriteLimiter } from '../../../../backend/src/adapters/google/sheets-write-limiter';
import type { RowWrite } from '../../../../backend/src/ports/sheet-target';
import { placeOutputColumns, type RowState } from '../../../../shared/index';
import { SheetsFake, type CellInput } from '../../../helpers/fakes/sheets-fake';

const ID = 'sheet_1234567890';
let fake: SheetsFake;

function client() {
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return sheetsClient({ version: 'v4', auth: oauth, rootUrl: fake.url });
}

/** A fake clock: sleep advances it at once. */
function fakeTime() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

function target(opts: Partial<SheetsTargetOptions> = {}): SheetsTarget {
  const time = fakeTime();
  return new SheetsTarget({ sheets: client(), writesPerMinute: 6000, readsPerMinute: 6000, now: time.now, sleep: time.sleep, ...opts });
}

function row(rowId: string, state: RowState = 'DONE', extra: Partial<RowWrite> = {}): RowWrite {
  return {
    rowId,
    state,
    reason: null,
    images: state === 'DONE'
      ? [
          { size: '1080x1080', aspectRatio: '1:1', variant: 1, image: { key: 'k1', url: `https://rs.example/a/${rowId}-img1` }, thumbnail: { key: 't1', url: `https://rs.example/a/${rowId}-th1` } },
          { size: '1080x608', aspectRatio: '135:76', variant: 1, image: { key: 'k2', url: `https://rs.example/a/${rowId}-img2` }, thumbnail: { key: 't2', url: `https://rs.example/a/${rowId}-th2` } },
        ]
      : [],
    provider: 'template',
    costUsd: 0.039,
    batchId: 'b_1',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const REF = { kind: 'google-sheet' as const, spreadsheetId: ID };

beforeAll(async () => {
  fake = await new SheetsFake().start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.denied.clear();
  fake.clearFailures();
});

describe('SheetsTarget', () => {
  it('finds rows by Row ID after rows were sorted and inserted, and adds missing output columns at the end', async () => {
    fake.addSpreadsheet(ID, [{
      title: 'Jobs',
      columnCount: 4,
      rows: [
        ['Prompt', 'row_id', 'Notes', 'Status'],
        ['a cat', 'r_A', 'keep me', null],
        ['a dog', 'r_B', 'keep me too', null],
        ['a cow', 'SKU:12', '', 'old'],
      ],
    }]);
    // The user sorts descending by Row ID and inserts two rows at the top while the batch runs.
    fake.sortRows(ID, (a, b) => (b[1]?.stringValue ?? '').localeCompare(a[1]?.stringValue ?? ''));
    fake.insertRows(ID, 1, 2);

    const t = target();
    const out = await t.write(REF, 'acme', [row('r_A'), row('SKU:12', 'FAILED', { reason: 'Variants must be 1–4' }), row('r_gone')]);
    expect(out).toEqual({ ok: true, written: 2, missingRowIds: ['r_gone'] });

    const headers = fake.sheet(ID).cells[0]!.map((v) => v?.stringValue ?? '');
    // Status existed (col 3); the others are appended after the last used column, in OUTPUT_ORDER.
    expect(headers).toEqual(['Prompt', 'row_id', 'Notes', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']);
    expect(fake.sheet(ID).columnCount).toBe(13);

    const ra = fake.rowWhere(ID, 'row_id', 'r_A');
    const rs = fake.rowWhere(ID, 'row_id', 'SKU:12');
    const rb = fake.rowWhere(ID, 'row_id', 'r_B');
    expect(fake.text(ID, ra, 3)).toBe('DONE');
    expect(fake.text(ID, ra, 2)).toBe('keep me'); // a user column between is untouched
    expect(fake.text(ID, ra, fake.column(ID, 'Image URL'))).toBe('https://rs.example/a/r_A-img1\nhttps://rs.example/a/r_A-img2');
    expect(fake.text(ID, ra, fake.column(ID, 'Thumbnail URL'))).toBe('https://rs.example/a/r_A-th1\nhttps://rs.example/a/r_A-th2');
    expect(fake.cell(ID, ra, fake.column(ID, 'Cost (USD)'))).toEqual({ numberValue: 0.039 });
    expect(fake.text(ID, ra, fake.column(ID, 'Batch ID'))).toBe('b_1');
    expect(fake.text(ID, ra, fake.column(ID, 'Error'))).toBe('');
    expect(fake.text(ID, rs, 3)).toBe('FAILED: Variants must be 1–4');
    expect(fake.text(ID, rs, fake.column(ID, 'Error'))).toBe('Variants must be 1–4');
    expect(fake.text(ID, rb, 3)).toBe(''); // not written
    expect(fake.sheet(ID).cells[1]).toEqual([]); // inserted rows untouched
  });

  it('writes user/model/error text as stringValue; only Image is a formula, with " escaped', async () => {
    fake.addSpreadsheet(ID, [{ title: 'Sheet1', rows: [['Prompt', 'Row ID'], ['x', 'r_1'], ['y', 'r_2']] }]);
    const evil = '=HYPERLINK("http://evil","click")';
    const t = target();
    const out = await t.write(REF, 'acme', [
      row('r_1', 'DONE', {
        provider: '+cmd|calc',
        batchId: '@SUM(A1)',
        images: [{ size: '1080x1080', aspectRatio: '1:1', variant: 1, image: { key: 'k', url: 'https://rs.example/a/x"y' }, thumbnail: { key: 't', url: 'https://rs.example/a/th"1")&A1&("' } }],
      }),
      row('r_2', 'FAILED', { reason: evil }),
    ]);
    expect(out.ok).toBe(true);
    const col = (h: string) => fake.column(ID, h);
    expect(fake.cell(ID, 1, col('Provider'))).toEqual({ stringValue: '+cmd|calc' });
    expect(fake.cell(ID, 1, col('Batch ID'))).toEqual({ stringValue: '@SUM(A1)' });
    expect(fake.cell(ID, 1, col('Image URL'))).toEqual({ stringValue: 'https://rs.example/a/x"y' });
    expect(fake.cell(ID, 1, col('Image'))).toEqual({ formulaValue: '=IMAGE("https://rs.example/a/th""1"")&A1&(""")' });
    expect(fake.cell(ID, 2, col('Error'))).toEqual({ stringValue: evil });
    expect(fake.cell(ID, 2, col('Status'))).toEqual({ stringValue: `FAILED: ${evil}` });
    expect(fake.cell(ID, 2, col('Image'))).toBeUndefined(); // final without images: cleared

    // Across the whole request, formulaValue appears only in the Image column.
    const body = fake.writes()[0]!.body as { requests: { updateCells?: { start: { columnIndex: number }; rows: { values: { userEnteredValue?: Record<string, unknown> }[] }[] } }[] };
    const formulaCols = new Set<number>();
    for (const r of body.requests) {
      const u = r.updateCells;
      if (!u) continue;
      for (const rr of u.rows) rr.values.forEach((v, i) => { if (v.userEnteredValue?.formulaValue !== undefined) formulaCols.add(u.start.columnIndex + i); });
    }
    expect([...formulaCols]).toEqual([col('Image')]);
  });

  it('keeps previous images while a re-run row is QUEUED/RUNNING', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    const t = target();
    expect((await t.write(REF, 'acme', [row('r_1')])).ok).toBe(true);
    expect((await t.write(REF, 'acme', [row('r_1', 'RUNNING')])).ok).toBe(true);
    expect(fake.text(ID, 1, fake.column(ID, 'Status'))).toBe('RUNNING');
    expect(fake.text(ID, 1, fake.column(ID, 'Image URL'))).toContain('r_1-img1');
    expect(fake.cell(ID, 1, fake.column(ID, 'Image'))?.formulaValue).toBe('=IMAGE("https://rs.example/a/r_1-th1")');
  });

  it('makes exactly one read and one write per write() of 200 rows (once the Row ID column is known)', async () => {
    const rows: CellInput[][] = [['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']];
    for (let i = 0; i < 200; i++) rows.push([`p${i}`, `r_${i}`]);
    fake.addSpreadsheet(ID, [{ title: 'Big', rows }]);
    const t = target();
    // First flush of the process: the header is read first to find the Row ID column.
    expect(await t.write(REF, 'acme', [row('r_0')])).toEqual({ ok: true, written: 1, missingRowIds: [] });
    expect(fake.reads()).toHaveLength(2);
    fake.requests.length = 0;
    fake.sortRows(ID, () => -1); // reversed; every later flush still reads once

    for (let flush = 0; flush < 2; flush++) {
      fake.requests.length = 0;
      const out = await t.write(REF, 'acme', Array.from({ length: 200 }, (_, i) => row(`r_${i}`, flush === 0 ? 'RUNNING' : 'DONE')));
      expect(out).toEqual({ ok: true, written: 200, missingRowIds: [] });
      expect(fake.requests.map((r) => `${r.method} ${r.kind}`)).toEqual(['GET read', 'POST write']);
      const read = fake.reads()[0]!;
      expect(read.query.getAll('ranges')).toEqual(["'Big'!1:1", "'Big'!B2:B"]);
    }
    // Every row got its own result (reversed order on the sheet).
    for (const i of [0, 57, 199]) {
      const r = fake.rowWhere(ID, 'Row ID', `r_${i}`);
      expect(fake.text(ID, r, fake.column(ID, 'Image URL'))).toContain(`r_${i}-img1`);
    }
  });

  it('adds output columns after an unlabelled column of user data, never over it (the shared placement rule)', async () => {
    fake.addSpreadsheet(ID, [{
      title: 'Loose',
      columnCount: 6,
      rows: [
        ['Prompt', 'Row ID', null, null],
        ['a cat', 'r_1', 'my note', null],
        ['a dog', 'r_2', null, 'far note'],
      ],
    }]);
    const out = await target().write({ ...REF, sheetName: 'Loose' }, 'acme', [row('r_1'), row('r_2')]);
    expect(out.ok).toBe(true);
    const headers = fake.sheet(ID, 'Loose').cells[0]!.map((v) => v?.stringValue ?? '');
    expect(headers.slice(0, 5)).toEqual(['Prompt', 'Row ID', '', '', 'Status']);
    const r1 = fake.rowWhere(ID, 'Row ID', 'r_1', 'Loose');
    const r2 = fake.rowWhere(ID, 'Row ID', 'r_2', 'Loose');
    expect(fake.text(ID, r1, 2, 'Loose')).toBe('my note');
    expect(fake.text(ID, r2, 3, 'Loose')).toBe('far note');
    expect(fake.text(ID, r1, fake.column(ID, 'Status', 'Loose'), 'Loose')).toBe('DONE');
    // The same placement the add-on and the workbook writer compute.
    expect(placeOutputColumns(['Prompt', 'Row ID'], 4).columns.status).toBe(4);
  });

  it("maps output headers with the batch's column mapping, as the add-on did", async () => {
    fake.addSpreadsheet(ID, [{ title: 'Mapped', rows: [['Prompt', 'Row ID', 'Where it is'], ['a cat', 'r_1', null]] }]);
    const out = await target().write({ ...REF, sheetName: 'Mapped' }, 'acme', [row('r_1')], { status: 'Where it is' });
    expect(out.ok).toBe(true);
    const r1 = fake.rowWhere(ID, 'Row ID', 'r_1', 'Mapped');
    expect(fake.text(ID, r1, 2, 'Mapped')).toBe('DONE');
    const headers = fake.sheet(ID, 'Mapped').cells[0]!.map((v) => v?.stringValue ?? '');
    expect(headers.filter((h) => h === 'Status')).toEqual([]);
  });

  it('adds columns even when the grid is too narrow, in the same write', async () => {
    fake.addSpreadsheet(ID, [{ title: 'Narrow', columnCount: 2, rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    const out = await target().write({ ...REF, sheetName: 'Narrow' }, 'acme', [row('r_1')]);
    expect(out.ok).toBe(true);
    const writes = fake.writes();
    expect(writes).toHaveLength(1);
    const reqs = (writes[0]!.body as { requests: Record<string, unknown>[] }).requests;
    expect(reqs[0]).toEqual({ appendDimension: { sheetId: 0, dimension: 'COLUMNS', length: 10 } });
    expect(fake.sheet(ID).columnCount).toBe(12);
    expect(fake.text(ID, 1, fake.column(ID, 'Status'))).toBe('DONE');
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    const time = fakeTime();
    const t = target({ now: time.now, sleep: time.sleep });
    fake.fail({ status: 429, kind: 'write', retryAfter: '7' });
    fake.fail({ status: 503, kind: 'read' });
    const out = await t.write(REF, 'acme', [row('r_1')]);
    expect(out).toEqual({ ok: true, written: 1, missingRowIds: [] });
    expect(time.sleeps).toContain(7000);
    expect(fake.writes()).toHaveLength(2);
    expect(fake.text(ID, 1, fake.column(ID, 'Status'))).toBe('DONE');
  });

  it('rounds a fractional Retry-After up, never retrying before the server said', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    const time = fakeTime();
    fake.fail({ status: 429, kind: 'write', retryAfter: '7.0004' });
    const out = await target({ now: time.now, sleep: time.sleep }).write(REF, 'acme', [row('r_1')]);
    expect(out).toEqual({ ok: true, written: 1, missingRowIds: [] });
    expect(time.sleeps).toContain(7001);
  });

  it('gives up after maxRetries with a transient outcome', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    fake.fail({ status: 503, times: 10 });
    const out = await target({ maxRetries: 2 }).write(REF, 'acme', [row('r_1')]);
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    expect(fake.requests).toHaveLength(3);
  });

  it('treats a network error as transient after its retries', async () => {
    const closed = new SheetsFake();
    await closed.start();
    const url = closed.url;
    await closed.close();
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: 'test-token' });
    const time = fakeTime();
    const t = new SheetsTarget({ sheets: sheetsClient({ version: 'v4', auth: oauth, rootUrl: url }), maxRetries: 1, now: time.now, sleep: time.sleep });
    const out = await t.write(REF, 'acme', [row('r_1')]);
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    expect(time.sleeps).toContain(1000); // one backoff
  });

  it('splits a body over maxPayloadBytes into several batchUpdates', async () => {
    const rows: CellInput[][] = [['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']];
    for (let i = 0; i < 1200; i++) rows.push([`p${i}`, `r_${i}`]);
    fake.addSpreadsheet(ID, [{ title: 'S', rows, rowCount: 2000 }]);
    const out = await target({ maxPayloadBytes: 200_000 }).write(REF, 'acme', Array.from({ length: 1200 }, (_, i) => row(`r_${i}`)));
    expect(out).toEqual({ ok: true, written: 1200, missingRowIds: [] });
    const writes = fake.writes();
    expect(writes.length).toBeGreaterThan(1);
    for (const w of writes) expect(JSON.stringify(w.body).length).toBeLessThan(200_000);
    expect(fake.text(ID, 1200, fake.column(ID, 'Image URL'))).toContain('r_1199-img2');
    expect(fake.text(ID, 1, fake.column(ID, 'Status'))).toBe('DONE');
  });

  it('answers 403 and 404 with a permanent, readable reason', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    fake.denied.add(ID);
    const out = await target({ serviceAccountEmail: 'rowshot@p.iam.gserviceaccount.com' }).write(REF, 'acme', [row('r_1')]);
    expect(out).toEqual({
      ok: false,
      kind: 'permanent',
      reason: `Rowshot has no access to spreadsheet ${ID} (share it with rowshot@p.iam.gserviceaccount.com, or use the add-on's Sync results)`,
    });
    expect(fake.requests).toHaveLength(1); // not retried
    const missing = await target().write({ kind: 'google-sheet', spreadsheetId: 'nope_1234567890' }, 'acme', [row('r_1')]);
    expect(missing).toMatchObject({ ok: false, kind: 'permanent' });
    expect((missing as { reason: string }).reason).toContain("share it with the service account, or use the add-on's Sync results");
  });

  it('reports a missing sheet or Row ID column as permanent', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt'], ['x']] }]);
    const t = target();
    expect(await t.write({ ...REF, sheetName: 'Nope' }, 'acme', [row('r_1')])).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('no sheet named "Nope"') });
    expect(await t.write(REF, 'acme', [row('r_1')])).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('no Row ID column') });
    expect(await target().checkTarget(REF)).toContain('no Row ID column');
  });

  it('never makes a batch wait for read quota when it is accepted', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt'], ['x']] }]);
    const t = target({ readsPerMinute: 1 });
    expect(await t.checkTarget(REF)).toContain('no Row ID column'); // a read was free: checked
    const before = fake.requests.length;
    expect(await t.checkTarget(REF)).toBeNull(); // quota spent: accepted unchecked, no request, no wait
    expect(fake.requests.length).toBe(before);
  });

  it('finds the Row ID column again after it moved, and a renamed sheet', async () => {
    fake.addSpreadsheet(ID, [{ title: 'S', rows: [['Prompt', 'Row ID'], ['x', 'r_1']] }]);
    const t = target();
    expect((await t.write(REF, 'acme', [row('r_1')])).ok).toBe(true);
    // The user inserts a column before Row ID and renames the sheet.
    for (const r of fake.sheet(ID).cells) r.splice(0, 0, undefined);
    fake.sheet(ID).cells[0]![0] = { stringValue: 'Notes' };
    fake.sheet(ID).columnCount += 1;
    fake.sheet(ID).title = 'Renamed';
    expect(await t.write(REF, 'acme', [row('r_1', 'FAILED', { reason: 'x' })])).toEqual({ ok: true, written: 1, missingRowIds: [] });
    expect(fake.text(ID, 1, fake.column(ID, 'Status'))).toBe('FAILED: x');
    expect(fake.text(ID, 1, 0)).toBe('');
  });

  it('limits writes to writesPerMinute across spreadsheets (fake clock)', async () => {
    // 20 spreadsheets, so writes cannot coalesce (see the next test) and each needs a token.
    const ids = Array.from({ length: 20 }, (_, i) => `sheet_rate_${String(i).padStart(4, '0')}`);
    for (const id of ids) fake.addSpreadsheet(id, [{ title: 'S', rows: [['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance'], ['x', 'r_1']] }]);
    const time = fakeTime();
    // Records when each token is granted: a request leaves right after its token, but the
    // fake clock jumps while other callers sleep, so arrival times at the fake are not exact.
    const grants: number[] = [];
    class Recording extends SheetsWriteLimiter {
      override async take(): Promise<void> {
        await super.take();
        grants.push(time.now());
      }
    }
    const writeLimiter = new Recording({ perMinute: 600, now: time.now, sleep: time.sleep });
    const t = target({ writeLimiter, now: time.now, sleep: time.sleep });
    const start = time.now();
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => t.write({ kind: 'google-sheet', spreadsheetId: ids[i]! }, 'acme', [row('r_1')])));
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(fake.writes()).toHaveLength(20);
    expect(grants).toHaveLength(20); // every write request took a token
    // 600/min = one every 100 ms; burst 1, so no two writes are closer than 100 ms.
    for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(grants[19]! - start).toBeGreaterThanOrEqual(1900);
    // Any 60 s window (scaled: 6 s at 600/min holds ≤ 60 + 1) — here, 1 s holds at most 11.
    for (const g of grants) expect(grants.filter((x) => x >= g && x < g + 1000).length).toBeLessThanOrEqual(11);
  });

  it('coalesces writes to one sheet that arrive while another waits for a token', async () => {
    const header = ['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance'];
    fake.addSpreadsheet('sheet_cccccccccc', [{ title: 'S', rows: [header, ['x', 'r_1']] }]);
    fake.addSpreadsheet('sheet_dddddddddd', [{ title: 'S', rows: [header, ['x', 'r_1'], ['y', 'r_2'], ['z', 'r_3']] }]);
    const time = fakeTime();
    const t = target({ writesPerMinute: 60, now: time.now, sleep: time.sleep });
    const c = { kind: 'google-sheet' as const, spreadsheetId: 'sheet_cccccccccc' };
    const d = { kind: 'google-sheet' as const, spreadsheetId: 'sheet_dddddddddd' };
    const outs = await Promise.all([
      t.write(c, 'acme', [row('r_1')]),
      t.write(d, 'acme', [row('r_1', 'RUNNING')]), // waits a second for a token…
      t.write(d, 'acme', [row('r_2'), row('r_x')]), // …and these join it
      t.write(d, 'acme', [row('r_1'), row('r_3', 'FAILED', { reason: 'no' })]),
    ]);
    expect(outs).toEqual([
      { ok: true, written: 1, missingRowIds: [] },
      { ok: true, written: 1, missingRowIds: [] },
      { ok: true, written: 1, missingRowIds: ['r_x'] },
      { ok: true, written: 2, missingRowIds: [] },
    ]);
    expect(fake.writes().map((w) => w.path)).toEqual(['/v4/spreadsheets/sheet_cccccccccc:batchUpdate', '/v4/spreadsheets/sheet_dddddddddd:batchUpdate']);
    expect(fake.text('sheet_dddddddddd', 1, 2)).toBe('DONE'); // the later write of r_1 won
    expect(fake.text('sheet_dddddddddd', 2, 2)).toBe('DONE');
    expect(fake.text('sheet_dddddddddd', 3, 2)).toBe('FAILED: no');
  });

  it('the limiter hands out tokens in order at the configured rate', async () => {
    const time = fakeTime();
    const limiter = new SheetsWriteLimiter({ perMinute: 60, now: time.now, sleep: time.sleep });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => limiter.take().then(() => times.push(time.now()))));
    expect(times.map((x) => x - times[0]!)).toEqual([0, 1000, 2000, 3000, 4000]);
  });
});
