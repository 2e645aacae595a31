// Starting a run: one batch per click, a body made of input cells only, the confirmation
// threshold, and the run in this sheet's history.
import { describe, expect, it } from 'vitest';
import type { CreateBatchRequest } from '../../../../shared/index';
import { createApp } from '../../../../addon/server/app';
import type { Result } from '../../../../addon/server/rpc';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

function setup(rows: (string | number)[][] = [['Product', 'Prompt', 'Status'], ['Mug', 'A {{Product}}', ''], ['Cap', 'A {{Product}}', 'DONE'], ['Hat', 'A {{Product}}', 'FAILED: x']]) {
  const sheet = new MemorySheet(9, 'Shop', rows);
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [sheet], http: backend });
  configure(s);
  return { sheet, backend, s, app: createApp(() => s) };
}
const posts = (b: FakeBackend) => b.requests.filter((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));

describe('startRun', () => {
  it('sends one batch of the rows in scope, with input cells only, and the same batch for the same requestId', () => {
    const { sheet, backend, app } = setup();
    const first = value(app.startRun({ scope: 'not_done', requestId: 'click-7' }));
    const second = value(app.startRun({ scope: 'not_done', requestId: 'click-7' }));
    expect(second.id).toBe(first.id);
    expect(posts(backend)).toHaveLength(1);
    expect(posts(backend)[0]!.headers?.['Idempotency-Key']).toBe('click-7');
    const body = backend.onlyBatch().request;
    const mugId = String(sheet.record(2)['Row ID']);
    const hatId = String(sheet.record(4)['Row ID']);
    expect(body).toEqual({
      name: 'Shop: 2 rows',
      rows: [{ rowId: mugId, cells: { Product: 'Mug', Prompt: 'A {{Product}}' } }, { rowId: hatId, cells: { Product: 'Hat', Prompt: 'A {{Product}}' } }],
      columns: { prompt: 'Prompt' },
      target: { kind: 'none' },
    } satisfies CreateBatchRequest);
    expect(first).toMatchObject({ state: 'ACCEPTED', rowCount: 2, estimatedUsd: 0.078 });
    expect(value(app.listSheetRuns()).map((b) => b.id)).toEqual([first.id]);
  });

  it('asks the backend to write into the sheet when the user chose it', () => {
    const { backend, app, s } = setup();
    s.userProperties.set('rowshot.backendWrites', 'true');
    value(app.startRun({ scope: 'failed', requestId: 'k' }));
    expect(backend.onlyBatch().request.target).toEqual({ kind: 'google-sheet', spreadsheetId: 'ss_0123456789abcdef', sheetName: 'Shop' });
  });

  it('leaves the writing to the add-on, and says why, when the headers are not in row 1', () => {
    const { backend, app, s } = setup([['Spring catalogue'], [''], ['Product', 'Prompt', 'Status'], ['Mug', 'A {{Product}}', '']]);
    s.userProperties.set('rowshot.backendWrites', 'true');
    const started = value(app.startRun({ scope: 'not_done', requestId: 'k' }));
    expect(backend.onlyBatch().request.target).toEqual({ kind: 'none' });
    expect(started.warning).toBe(
      "Results are synced by the add-on: the backend can only write sheets whose headers are in row 1 with the standard column names (this sheet's headers are in row 3).",
    );
  });

  it('leaves the writing to the add-on, and says why, when an output column is mapped to another header', () => {
    const { backend, app, s } = setup([['Product', 'Prompt', 'Estado'], ['Mug', 'A {{Product}}', '']]);
    s.userProperties.set('rowshot.backendWrites', 'true');
    value(app.saveColumnMapping({ status: 'Estado' }));
    const started = value(app.startRun({ scope: 'not_done', requestId: 'k' }));
    expect(backend.onlyBatch().request.target).toEqual({ kind: 'none' });
    expect(started.warning).toBe(
      'Results are synced by the add-on: the backend can only write sheets whose headers are in row 1 with the standard column names (Status is mapped to "Estado").',
    );
  });

  it('has no warning when the backend can write the sheet itself', () => {
    const { app, s } = setup();
    s.userProperties.set('rowshot.backendWrites', 'true');
    expect(value(app.startRun({ scope: 'not_done', requestId: 'k' })).warning).toBeUndefined();
  });

  it('refuses to start above the confirmation threshold until confirmed, writing nothing first', () => {
    const { sheet, backend, app, s } = setup();
    s.userProperties.set('rowshot.confirmAboveUsd', '0.05');
    const estimate = value(app.estimateRun('not_done'));
    expect(estimate).toMatchObject({ rows: 2, totalUsd: 0.078, needsConfirmation: true });
    const refused = app.startRun({ scope: 'not_done', requestId: 'a' });
    expect(refused).toEqual({ ok: false, error: { code: 'needs_confirmation', message: 'This run of 2 rows is estimated at $0.08, above the $0.05 you set for running without asking: confirm to start it.' } });
    expect(sheet.calls.write).toBe(0);
    expect(backend.batches.size).toBe(0);
    value(app.startRun({ scope: 'not_done', requestId: 'b', confirmed: true }));
    expect(backend.batches.size).toBe(1);
  });

  it('reports the backend refusing a run over its maxCostUsd', () => {
    const { app } = setup();
    const r = app.startRun({ scope: 'not_done', requestId: 'a', maxCostUsd: 0.01 });
    expect(!r.ok && r.error).toEqual({ code: 'over_budget', message: "The estimate of $0.08 is over this batch's maxCostUsd of $0.01" });
  });

  it('says when a scope has no rows, and when another sync holds the sheet', () => {
    const { app, s } = setup([['Prompt', 'Status'], ['a', 'DONE']]);
    expect(app.startRun({ scope: 'failed', requestId: 'a' })).toEqual({ ok: false, error: { code: 'no_rows', message: 'No FAILED rows in "Shop".' } });
    s.lock.takenElsewhere();
    const busy = app.startRun({ scope: 'not_done', requestId: 'b' });
    expect(!busy.ok && busy.error.code).toBe('busy');
  });

  it('lists the invalid rows of an estimate by sheet row', () => {
    const { app } = setup([['Title'], ['Prompt', 'Variants'], ['a', 2], ['b', 9], ['c', '']]);
    const e = value(app.estimateRun('not_done'));
    expect(e).toMatchObject({ rows: 3, images: 3, invalidRows: 1, invalid: [{ row: 4, reason: 'Variants must be a whole number from 1 to 4 (got "9")' }] });
  });

  it('refuses a malformed request', () => {
    const { app } = setup();
    const r = app.startRun({ scope: 'everything' as 'failed', requestId: '' });
    expect(!r.ok && r.error.fields?.map((f) => f.field)).toEqual(['scope', 'requestId']);
  });
});

describe('cancel and retry', () => {
  it('retries with the earlier cells when the failed row is no longer in the sheet', () => {
    const { backend, app, sheet } = setup();
    const run = value(app.startRun({ scope: 'not_done', requestId: 'a' }));
    backend.finish(run.id, (r) => ({ state: r.index === 0 ? 'FAILED' : 'DONE', reason: 'boom' }));
    value(app.getRunProgress(run.id));
    sheet.set(2, Object.keys(sheet.record(2)).indexOf('Row ID') + 1, 'someone-else');
    value(app.retryFailedRun(run.id));
    const retry = backend.requests.find((r) => r.method === 'post' && r.url.endsWith('/retry'));
    expect(JSON.parse(String(retry?.payload))).toEqual({});
  });

  it('update the run in the history; a retried run syncs again', () => {
    const { backend, app, sheet, s } = setup();
    const run = value(app.startRun({ scope: 'not_done', requestId: 'a' }));
    backend.finish(run.id, (r) => ({ state: r.index === 0 ? 'FAILED' : 'DONE', reason: 'boom' }));
    value(app.getRunProgress(run.id));
    expect(sheet.record(2)['Status']).toBe('FAILED: boom');
    // The fix is made in the sheet: the retry sends the row's current cells, by Row ID.
    sheet.set(2, 1, 'Bowl');
    const retried = value(app.retryFailedRun(run.id));
    expect(retried.batch.state).toBe('RUNNING');
    expect(retried).toMatchObject({ retriedRows: 1, freshRows: 1 });
    const retry = backend.requests.find((r) => r.method === 'post' && r.url.endsWith('/retry'));
    expect(JSON.parse(String(retry?.payload))).toEqual({ rows: [{ rowId: String(sheet.record(2)['Row ID']), cells: { Product: 'Bowl', Prompt: 'A {{Product}}' } }] });
    s.clock.advance(60_000);
    backend.finish(run.id);
    const p = value(app.getRunProgress(run.id));
    expect(p).toMatchObject({ batch: { state: 'DONE' }, synced: 1 });
    expect(sheet.record(2)['Status']).toBe('DONE');
    const again = app.retryFailedRun(run.id);
    expect(!again.ok && again.error.code).toBe('conflict');
  });
});

describe('rows of a started run', () => {
  it('show QUEUED with the Batch ID at once, so a second Run of rows not DONE leaves them alone', () => {
    const { sheet, backend, app, s } = setup();
    const first = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(sheet.record(2)).toMatchObject({ Status: 'QUEUED', 'Batch ID': first.id, 'Updated at': s.clock.now().toISOString() });
    expect(sheet.record(4)).toMatchObject({ Status: 'QUEUED', 'Batch ID': first.id, Error: '' });
    expect(sheet.record(3)).toMatchObject({ Status: 'DONE', 'Batch ID': '' }); // not in the run: untouched
    expect(value(app.getSheetContext()).counts.notDone).toBe(0);
    const second = app.startRun({ scope: 'not_done', requestId: 'click-2' });
    expect(second).toEqual({ ok: false, error: { code: 'no_rows', message: 'Every row of "Shop" is DONE or already running.' } });
    expect(posts(backend)).toHaveLength(1);
  });

  it('keep their Row IDs and images: only the result columns are written, in one block', () => {
    const { sheet, app } = setup([
      ['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance'],
      ['a', 'r_0123456789', 'FAILED: x', '=IMAGE("https://cdn.test/old.png")', 'https://cdn.test/old.png', 'https://cdn.test/old_t.png', 'x', 'p', 0.039, 'b_old', 't'],
    ]);
    sheet.resetCalls();
    const run = value(app.startRun({ scope: 'failed', requestId: 'k' }));
    expect(sheet.record(2)).toEqual({
      Prompt: 'a', 'Row ID': 'r_0123456789', Status: 'QUEUED', Image: '=IMAGE("https://cdn.test/old.png")', 'Image URL': 'https://cdn.test/old.png',
      'Thumbnail URL': 'https://cdn.test/old_t.png', Error: '', Provider: '', 'Cost (USD)': 0, 'Batch ID': run.id, 'Updated at': '2026-03-01T10:00:00.000Z', Provenance: '',
    });
    expect(sheet.writes).toEqual([{ row: 2, column: 3, rows: 1, columns: 10 }]); // no header, no Row ID write
  });
});

describe('a run the document cannot record', () => {
  it('is still reported as started, with a warning that says what will not happen', () => {
    const { sheet, backend, app, s } = setup();
    const set = s.documentProperties.set.bind(s.documentProperties);
    s.documentProperties.set = (key, v) => {
      if (key.startsWith('rowshot.runs.')) throw new Error('You have exceeded the property storage quota.');
      set(key, v);
    };
    const r = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(r).toMatchObject({ id: backend.onlyBatch().status.id, state: 'ACCEPTED', rowCount: 2 });
    expect(r.warning).toBe(
      `Batch ${r.id} started, but this document could not record the run (You have exceeded the property storage quota.), so its results will not be written into the sheet by themselves: follow it with =ROWSHOT_STATUS("${r.id}").`,
    );
    expect(sheet.record(2)['Status']).toBe('QUEUED');
    expect(posts(backend)).toHaveLength(1);
  });

  it('says nothing more when every step worked', () => {
    const { app } = setup();
    expect(value(app.startRun({ scope: 'not_done', requestId: 'a' })).warning).toBeUndefined();
  });

  it("sends the sidebar's Text default with the batch, and refuses one that is not a Text mode", () => {
    const { backend, app } = setup();
    value(app.startRun({ scope: 'not_done', requestId: 'a', textDefault: 'none' }));
    expect(backend.onlyBatch().request.textDefault).toBe('none');
    const bad = app.startRun({ scope: 'not_done', requestId: 'b', textDefault: 'loud' as never });
    expect(!bad.ok && bad.error.code).toBe('invalid_request');
    expect(!bad.ok && bad.error.message).toContain('textDefault must be one of overlay, model, none');
    expect(posts(backend)).toHaveLength(1);
  });
});
