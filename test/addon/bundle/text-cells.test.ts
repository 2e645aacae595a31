// Sheets reads every string given to setValues as if typed ("0012" becomes 12, "true" TRUE).
// The built add-on rewrites cells it only meant to keep (Row IDs around new ones, output cells
// of rows between the ones it updates): text that looks like a number or a boolean must come
// back as the same text after a run and a sync, and a Row ID like "0012" must still find its row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBatchRequest } from '../../../shared/index';
import { createFakeAppsScript, createFakeClock } from '../../../addon/dev/fake-apps-script/index';
import type { BatchSummary, SyncReport } from '../../../addon/server/rpc';
import { API_KEY, BACKEND_URL, createFakeBackend } from './fake-backend';
import { EXECUTION_MODES, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

const HEADERS = ['Prompt', 'Headline', 'Row ID', 'Status', 'Provider'];

/** Seeded as a user types: a leading `'` keeps "0012" and "true" as text. */
function shop() {
  const clock = createFakeClock({ start: '2025-03-03T08:30:00.000Z' });
  const backend = createFakeBackend(() => clock.now());
  const fake = createFakeAppsScript({
    clock, fetch: backend.handler, htmlDir: built.dir,
    workbook: {
      sheets: {
        Shop: [
          HEADERS,
          ['A mug, {{Headline}}', "'true", '', '', ''],
          ['A cap', "'true", "'0012", 'DONE', "'true"], // done: not run, but inside every block written
          ['A hat', "'false", '', '', ''],
          ['A bag', '', "'0034", '', ''],
        ],
      },
    },
  });
  const g = fake.load(built.code, { modes: EXECUTION_MODES });
  valueOf(g.saveSettings({ backendUrl: BACKEND_URL, apiKey: API_KEY }));
  return { fake, g, sheet: () => fake.workbook.sheet('Shop') };
}

describe('text that looks like a number or a boolean', () => {
  it('stays text after a run and a sync, and a Row ID "0034" still gets its results', () => {
    const { fake, g, sheet } = shop();
    const column = (name: string): number => HEADERS.indexOf(name) + 1;
    expect(sheet().value(3, column('Row ID'))).toBe('0012');

    const started = valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: 'k', confirmed: true }));
    expect(started.rowCount).toBe(3);
    const post = fake.http.requests.find((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));
    const body = CreateBatchRequest.parse(JSON.parse(String(post?.payload)));
    expect(body.rows.map((r) => r.cells['Headline'])).toEqual(['true', 'false', '']);
    expect(body.rows[2]?.rowId).toBe('0034');
    // The new Row IDs were written over rows 2–4, row 3's "0012" with them.
    expect(sheet().value(3, column('Row ID'))).toBe('0012');
    expect(sheet().value(3, column('Provider'))).toBe('true');

    const synced = valueOf<SyncReport>(g.syncNow());
    expect(synced.missing).toBe(0);
    expect(synced.written).toBe(3);

    const after = sheet();
    expect(after.value(2, column('Headline'))).toBe('true');
    expect(after.value(3, column('Row ID'))).toBe('0012');
    expect(after.value(3, column('Status'))).toBe('DONE');
    expect(after.value(3, column('Provider'))).toBe('true');
    expect(after.value(4, column('Headline'))).toBe('false');
    expect(after.value(5, column('Row ID'))).toBe('0034');
    expect(after.value(5, column('Status'))).toBe('DONE');
    expect(after.value(5, column('Provider'))).toBe('gemini-2.5-flash-image');
    // The output headers the run added went in as text too.
    expect(after.dump()[0]?.slice(HEADERS.length)).toEqual(['Image', 'Image URL', 'Thumbnail URL', 'Error', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']);
    // Only the image is a formula; the cost is a number.
    const image = HEADERS.length + 1;
    expect(after.formula(5, image)).toMatch(/^=IMAGE\("/);
    expect(typeof after.value(5, HEADERS.length + 5)).toBe('number');
  });
});
