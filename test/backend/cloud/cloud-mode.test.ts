// A 200-row batch in cloud mode, end to end: the real composition root and HTTP handlers, with
// the official Google clients talking to local fakes of each wire protocol. The fake Cloud Tasks
// pushes every task to our /tasks/* handlers with a Google-style OIDC token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus } from '../../../shared/index';
import { startStack, TASKS_SA as SA, type Stack } from '../../helpers/cloud-stack';
import { mintIdToken } from '../../helpers/fakes/oidc';

const SPREADSHEET = 'sheet_e2e_0123456789';
const N = 200;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ latencyMs: 0, rowsConcurrency: 12, controlConcurrency: 12, flushIntervalMs: 500, logLevel: 'silent' });
  stack.sheets.addSpreadsheet(SPREADSHEET, [{ title: 'Campaign', rows: [['Prompt', 'Headline', 'Row ID'], ...Array.from({ length: N }, (_, i) => [`Product ${i}`, `=SUM(${i})`, `r_e2e${String(i).padStart(5, '0')}`])] }]);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('cloud mode against wire-protocol fakes', () => {
  it('runs 200 rows: every row DONE once, results coalesced into the right sheet rows', async () => {
    // Rows as the add-on would send them; the sheet is then re-sorted while the batch runs.
    const rows = Array.from({ length: N }, (_, i) => ({ rowId: `r_e2e${String(i).padStart(5, '0')}`, cells: { Prompt: `Product ${i}`, Headline: `=SUM(${i})` } }));
    const res = await stack.api('/v1/batches', { method: 'POST', body: JSON.stringify({ rows, target: { kind: 'google-sheet', spreadsheetId: SPREADSHEET, sheetName: 'Campaign' } }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    stack.sheets.sortRows(SPREADSHEET, (a, b) => String(b[0]?.stringValue ?? '').localeCompare(String(a[0]?.stringValue ?? '')), 'Campaign');
    stack.sheets.insertRows(SPREADSHEET, 5, 3, 'Campaign');

    let status: BatchStatus;
    const until = Date.now() + 120_000;
    do {
      await new Promise((r) => setTimeout(r, 200));
      status = (await (await stack.api(`/v1/batches/${id}`)).json()) as BatchStatus;
    } while (status.state !== 'DONE' && Date.now() < until);
    expect(status.counts).toMatchObject({ DONE: N, FAILED: 0 });
    // 1,120 image tokens at $60 per million (the default chain is gemini-3.1-flash-image).
    expect(status.cost.actualUsd).toBeCloseTo(N * 0.0672, 3);

    // One generation per row: the Gemini fake saw each prompt exactly once.
    const prompts = stack.gemini.requests.map((r) => JSON.stringify(r.body));
    expect(stack.gemini.requests).toHaveLength(N);
    // The headline is composited, never handed to the model to draw.
    expect(prompts.filter((p) => p.includes('=SUM('))).toEqual([]);
    for (let i = 0; i < N; i += 37) expect(prompts.filter((p) => p.includes(`Product ${i}\\n`) || p.includes(`Product ${i}"`)).length).toBe(1);

    // Every row's results are in its own sheet row (found by Row ID after the sort).
    for (let i = 0; i < N; i += 23) {
      const rowId = `r_e2e${String(i).padStart(5, '0')}`;
      const r = stack.sheets.rowWhere(SPREADSHEET, 'Row ID', rowId, 'Campaign');
      const cell = (header: string) => stack.sheets.cell(SPREADSHEET, r, stack.sheets.column(SPREADSHEET, header, 'Campaign'), 'Campaign');
      expect(cell('Prompt')?.stringValue).toBe(`Product ${i}`);
      expect(cell('Status')?.stringValue).toBe('DONE');
      // The row has a headline: Gemini made the scene and Rowshot composited the text.
      expect(cell('Provider')?.stringValue).toBe('gemini + overlay');
      expect(cell('Image')?.formulaValue).toMatch(/^=IMAGE\("http:\/\/127\.0\.0\.1:\d+\/a\/[^"]+"\)$/);
      expect(cell('Image URL')?.stringValue).toMatch(/\/a\//);
      expect(cell('Headline')?.formulaValue).toBeUndefined();
    }
    // Coalesced: far fewer Sheets writes than rows.
    expect(stack.sheets.writes().length).toBeLessThan(N / 5);

    // Everything stored is under the tenant, and each task push carried a verified OIDC token.
    expect(stack.gcs.objectNames().every((name) => name.startsWith('tenants/acme/') || name.startsWith('system/'))).toBe(true);
    expect([...stack.rowsTasks.dispatched, ...stack.controlTasks.dispatched].filter((d) => d.status === 401 || d.status === 403)).toEqual([]);

    // A capability link redirects to a short-lived signed URL on the bucket.
    const page = (await (await stack.api(`/v1/batches/${id}/rows?pageSize=1`)).json()) as { rows: { images: { url: string }[] }[] };
    const link = await fetch(page.rows[0]!.images[0]!.url, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toMatch(/X-Goog-Signature=/);
  }, 150_000);

  it('refuses task pushes without a valid Google OIDC token', async () => {
    const body = JSON.stringify({ tenant: 'acme', batchId: 'b_x', gen: 0 });
    const none = await fetch(`${stack.url}/tasks/fanout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    const wrongAudience = mintIdToken(stack.oidcKey, { audience: 'https://elsewhere.example', email: SA });
    const bad = await fetch(`${stack.url}/tasks/fanout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${wrongAudience}` }, body });
    expect(bad.status).toBe(403);
  });
});
