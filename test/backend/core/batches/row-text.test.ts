// A batch's text settings: the Text default for rows whose Text cell is empty, and the minimum
// legible size (the batch's over the server's ROWSHOT_MIN_*_PX over the built-in default), named
// in the FAILED reason of a row that only fits smaller.
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../../shared/index';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer, type TestServer } from '../../../helpers/server';

// About 280 characters: fits a 9:16 card at the default minimum (20 px there), not at 60 px.
const long = 'Thank you for twelve years of patient, careful work with the regional operations team and every one of our customers '.repeat(3).slice(0, 280).trim();

async function runRows(s: TestServer, json: Record<string, unknown>): Promise<RowsPage['rows']> {
  const res = await s.api('/v1/batches', { method: 'POST', json });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await s.waitForBatch(id, 60_000);
  const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
  return [...page.rows].sort((a, b) => a.index - b.index);
}

describe("a batch's text settings", () => {
  it('textDefault is the Text mode of rows with an empty Text cell; a filled cell keeps its own', async () => {
    const provider = new FakeProvider({ name: 'scene-model', models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const texts = ['', 'overlay'];
      const done = await runRows(s, { textDefault: 'model', rows: rows(2, (i) => ({ Prompt: 'a meadow', Headline: 'Welcome, Ana!', Text: texts[i] ?? '' })) });
      expect(done.map((r) => r.state)).toEqual(['DONE', 'DONE']);
      expect(done.map((r) => r.provider)).toEqual(['scene-model', 'scene-model + overlay']);
      expect(provider.calls.map((c) => c.text).sort()).toEqual(['model', 'overlay']);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('fails a row that only fits under the minimum legible size, naming that size; the batch option wins over the server setting', async () => {
    const s = await startTestServer({ ROWSHOT_MIN_HEADLINE_PX: '60' });
    try {
      const cells = { Prompt: 'thank-you card', Headline: long, Size: '9:16', Model: 'template' };
      const [serverMin] = await runRows(s, { rows: rows(1, () => cells) });
      expect(serverMin!.state).toBe('FAILED');
      // A 9:16 item is made at 608x1080 (a 1080 px long edge), and the reason names those pixels.
      expect(serverMin!.reason).toMatch(/^Headline does not fit 608x1080 at 60 px or more \(shorten it by about \d+ characters\)$/);
      const [batchMin] = await runRows(s, { minTextPx: { headline: 70 }, rows: rows(1, () => cells) });
      expect(batchMin!.reason).toMatch(/^Headline does not fit 608x1080 at 70 px or more/);
      const [relaxed] = await runRows(s, { minTextPx: { headline: 18 }, rows: rows(1, () => cells) });
      expect(relaxed!.state).toBe('DONE');

      const bad = await s.api('/v1/batches', { method: 'POST', json: { textDefault: 'loud', minTextPx: { headline: 2, colour: 'red' }, rows: rows(1, () => cells) } });
      expect(bad.status).toBe(400);
      const problem = (await bad.json()) as { invalidFields: { field: string }[] };
      expect(problem.invalidFields.map((f) => f.field).sort()).toEqual(['minTextPx.colour', 'minTextPx.headline', 'textDefault']);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a preview takes the same textDefault and minTextPx, so it is made the way the run will make the row', async () => {
    const provider = new FakeProvider({ name: 'scene-model', models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const preview = (json: Record<string, unknown>) => s.api('/v1/preview', { method: 'POST', json });
      const modelText = (await (await preview({ textDefault: 'model', row: { cells: { Prompt: 'a meadow', Headline: 'Welcome, Ana!' } } })).json()) as { provider: string };
      expect(modelText.provider).toBe('scene-model');
      const overlaid = (await (await preview({ row: { cells: { Prompt: 'a meadow', Headline: 'Welcome, Ana!' } } })).json()) as { provider: string };
      expect(overlaid.provider).toBe('scene-model + overlay');
      expect(provider.calls.map((c) => c.text)).toEqual(['model', 'overlay']);

      const tooSmall = await preview({ minTextPx: { headline: 70 }, row: { cells: { Prompt: 'card', Headline: long, Size: '9:16', Model: 'template' } } });
      expect(tooSmall.status).toBe(422);
      expect(JSON.stringify(await tooSmall.json())).toMatch(/Headline does not fit 608x1080 at 70 px or more/);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('refuses a bad ROWSHOT_MIN_HEADLINE_PX at start-up with one line naming it', async () => {
    await expect(startTestServer({ ROWSHOT_MIN_HEADLINE_PX: 'big' })).rejects.toThrow(/^Invalid configuration: ROWSHOT_MIN_HEADLINE_PX: /);
  });
});
