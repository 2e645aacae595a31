// The add-on's server logic against the REAL backend (local adapters, template provider): the
// backend runs in a worker thread, the add-on's synchronous HttpPort blocks on a fetch worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../addon/server/app';
import type { BatchSummary, Result } from '../../../addon/server/rpc';
import { createSyncHttp, sleepSync, startServerThread, type ServerThread, type SyncHttp } from '../../helpers/sync-http';
import { MemorySheet } from './helpers/memory-sheet';
import { configure, memoryServices, type TestServices } from './helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

describe('a 20-row sheet run through the real backend', () => {
  let server: ServerThread;
  let http: SyncHttp;
  let s: TestServices;
  let sheet: MemorySheet;

  beforeAll(async () => {
    server = await startServerThread();
    http = createSyncHttp();
    sheet = new MemorySheet(7, 'Products', [
      ['Spring catalogue'],
      ['Product', 'Prompt', 'Aspect ratios'],
      ...Array.from({ length: 20 }, (_, i) => [`Item ${i + 1}`, i === 19 ? "'=not a formula {{Product}}" : `A photo of {{Product}}`, i % 2 === 0 ? '1:1' : '1:1, 16:9']),
    ]);
    s = memoryServices({ sheets: [sheet], http });
    configure(s, server.url, server.key);
  }, 60_000);

  afterAll(async () => {
    await http?.close();
    await server?.close();
  });

  it('connects, estimates, starts one batch for a repeated click, follows it to DONE and writes every row', () => {
    const app = createApp(() => s);
    const check = value(app.testConnection());
    expect(check.message).toBe(`Connected to ${server.url}: the API key works (0 reference packs).`);
    // The embedded default without a Gemini key runs the template renderer only.
    expect(check.models).toEqual([{ id: 'template', label: 'Template renderer (offline, free)', priceUsd: 0, isDefault: true }]);

    const context = value(app.getSheetContext());
    expect(context.headerRow).toBe(2);
    expect(context.counts).toEqual({ rows: 20, selected: 0, notDone: 20, failed: 0 });

    const estimate = value(app.estimateRun('not_done'));
    expect(estimate).toMatchObject({ rows: 20, images: 30, totalUsd: 0, invalidRows: 0, needsConfirmation: false });

    const first = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(sheet.record(3, 2)).toMatchObject({ Status: 'QUEUED', 'Batch ID': first.id });
    // A double click: the same requestId finds the same run.
    const again = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(again.id).toBe(first.id);
    // The execution died after the POST, before the run reached the history or its rows were
    // marked QUEUED: the backend replays the same batch, because the body (input cells and Row
    // IDs only) is the same.
    s.documentProperties.delete('rowshot.runs.7');
    for (let row = 3; row <= 22; row++) for (let column = 5; column <= 13; column++) sheet.set(row, column, '');
    const replayed = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(replayed.id).toBe(first.id);
    const batchPosts = http.requests.filter((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));
    expect(batchPosts.map((r) => r.headers?.['Idempotency-Key'])).toEqual(['click-1', 'click-1']);
    const listed = JSON.parse(http.fetch({ url: `${server.url}/v1/batches`, method: 'get', headers: { authorization: `Bearer ${server.key}` } }).body) as { batches: { id: string }[] };
    expect(listed.batches.map((b) => b.id)).toEqual([first.id]);

    let progress: BatchSummary = first;
    let synced = 0;
    const until = Date.now() + 30_000;
    while (progress.state !== 'DONE' && Date.now() < until) {
      sleepSync(150);
      s.clock.advance(15_000);
      const p = value(app.getRunProgress(first.id));
      progress = p.batch;
      synced += p.synced;
    }
    expect(progress.state).toBe('DONE');
    expect(progress.counts.DONE).toBe(20);
    expect(synced).toBeGreaterThanOrEqual(20);

    const headers = sheet.rows()[1]!;
    expect(headers).toEqual(['Product', 'Prompt', 'Aspect ratios', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']);
    const ids = new Set<string>();
    for (let row = 3; row <= 22; row++) {
      const rec = sheet.record(row, 2);
      expect(rec['Status']).toBe('DONE');
      expect(rec['Batch ID']).toBe(first.id);
      expect(String(rec['Image'])).toMatch(/^=IMAGE\("http:\/\/.+"\)$/);
      expect(String(rec['Image URL']).split('\n')).toHaveLength(row % 2 === 1 ? 1 : 2);
      expect(rec['Cost (USD)']).toBe(0);
      expect(String(rec['Row ID'])).toMatch(/^r_[0-9a-z]{10}$/);
      ids.add(String(rec['Row ID']));
    }
    expect(ids.size).toBe(20);
    // Input cells are never touched.
    expect(sheet.value(22, 2)).toBe('=not a formula {{Product}}');

    // The image link is real.
    const url = String(sheet.value(3, 7));
    expect(http.fetch({ url, method: 'get' }).status).toBe(200);

    // Syncing again changes nothing; the custom function reads the same batch.
    const report = value(app.syncNow());
    expect(report).toMatchObject({ batches: 1, written: 0, missing: 0 });
    expect(app.ROWSHOT_STATUS(first.id)).toBe('DONE 20/20 done, 0 failed, $0.00');
    expect(value(app.listSheetRuns()).map((b) => [b.id, b.state])).toEqual([[first.id, 'DONE']]);
  }, 60_000);

  it('says which setting is wrong: a refused key, then an unreachable URL', () => {
    const app = createApp(() => s);
    configure(s, server.url, 'rs_wrong_key_0000');
    const refused = app.testConnection();
    expect(refused).toEqual({ ok: false, error: { code: 'unauthenticated', message: 'The backend refused the API key (ending in 0000): check the API key in Settings.' } });
    configure(s, 'http://127.0.0.1:9', server.key);
    const unreachable = app.testConnection();
    expect(unreachable.ok).toBe(false);
    if (!unreachable.ok) {
      expect(unreachable.error.code).toBe('unreachable');
      expect(unreachable.error.message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:9: .+Check the backend URL in Settings/);
    }
    configure(s, server.url, server.key);
  });
});
