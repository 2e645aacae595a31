// Apply feedback (POST /v1/batches/:id/revise), through the real app and the real @google/genai
// client against the wire-fake Gemini: an AI row's v2 is an edit of its v1 image with the
// feedback as the instruction; v1 is kept (versions listing, its links still work); a template
// row is re-rendered from fresh cells; a round over the cap is refused and changes nothing.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RowResult, RowVersions } from '../../../../shared/index';
import { imageReply, startGeminiFake, type GeminiFake } from '../../../helpers/fakes/gemini-fake';
import { startTestServer, type TestServer } from '../../../helpers/server';

const MODEL = 'gemini-3.1-flash-image';
let fake: GeminiFake;
let servers: TestServer[] = [];
const solid = (background: string) => sharp({ create: { width: 1024, height: 1024, channels: 3, background } }).png().toBuffer();

interface SentPart { text?: string; inlineData?: { data: string } }
const partsOf = (i: number) => ((fake.requests[i]?.body as { contents: { parts: SentPart[] }[] }).contents[0]?.parts ?? []);

async function server(): Promise<TestServer> {
  const s = await startTestServer({ GEMINI_API_KEY: 'AIza-revise-test-key-0123', ROWSHOT_GEMINI_BASE_URL: fake.url, ROWSHOT_DAILY_BUDGET_USD: 'none' });
  servers.push(s);
  return s;
}

async function rows(s: TestServer, id: string): Promise<Record<string, RowResult>> {
  const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as { rows: RowResult[] };
  return Object.fromEntries(page.rows.map((r) => [r.rowId, r]));
}

const bytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const meanRgb = async (url: string) => (await sharp(await bytes(url)).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean));

beforeAll(async () => {
  fake = await startGeminiFake();
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  fake.requests.length = 0;
});
afterAll(async () => {
  await fake.close();
});

describe('Apply feedback', () => {
  it("makes an AI row's v2 as an edit of v1 with the feedback, keeps v1, and re-renders a template row from its fresh cells", async () => {
    const s = await server();
    fake.script(imageReply(await solid('#cc2200'), { imageTokens: 1120 }));
    fake.setDefault(imageReply(await solid('#b08d57'), { imageTokens: 1120 }));
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [
      { rowId: 'lamp', cells: { Prompt: 'The Aurora lamp on a desk', Model: MODEL, Text: 'none' } },
      { rowId: 'card', cells: { Prompt: 'A welcome card', Model: 'template', Headline: 'Welcome, Ana' } },
    ] } });
    const { id } = (await res.json()) as { id: string };
    await s.waitForBatch(id, 90_000);
    const v1 = await rows(s, id);
    expect(v1.lamp?.state).toBe('DONE');
    const v1Url = v1.lamp!.images[0]!.url;
    const v1Card = await bytes(v1.card!.images[0]!.url);

    const revised = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [
      { rowId: 'lamp', feedback: 'Make the lamp brass instead of red' },
      { rowId: 'card', feedback: 'The name is Anna', cells: { Prompt: 'A welcome card', Model: 'template', Headline: 'Welcome, Anna' } },
    ] } });
    expect(revised.status, await revised.clone().text()).toBe(202);
    expect(await revised.json()).toMatchObject({ revisedRows: 2, estimate: { totalUsd: 0.067, images: 2 } });
    await s.waitForBatch(id, 90_000);
    const v2 = await rows(s, id);

    // The model was given v1's image as it is stored, with the feedback as the instruction.
    expect(fake.requests).toHaveLength(2);
    const edit = partsOf(1);
    expect(edit[0]?.text).toContain('Edit image 1 as follows: Make the lamp brass instead of red');
    expect(edit[0]?.text).toContain('The image was made from this description: The Aurora lamp on a desk');
    const sent = edit.filter((p) => p.inlineData);
    expect(sent).toHaveLength(1);
    expect(Buffer.from(sent[0]!.inlineData!.data, 'base64').equals(await bytes(v1Url))).toBe(true);

    // The sheet shows v2; v1 is kept with its link, feedback and cost.
    expect(v2.lamp?.state).toBe('DONE');
    expect(await meanRgb(v2.lamp!.images[0]!.url)).toEqual([176, 141, 87]);
    expect(await meanRgb(v1Url)).toEqual([204, 34, 0]);
    const versions = (await (await s.api(`/v1/batches/${id}/rows/lamp/versions`)).json()) as RowVersions;
    expect(versions.versions.map((v) => [v.version, v.feedback, v.latest])).toEqual([[1, null, false], [2, 'Make the lamp brass instead of red', true]]);
    expect(versions.versions[0]!.images[0]!.url).toBe(v1Url);
    for (const v of versions.versions) expect(v.costUsd).toBeCloseTo(0.0672, 4);
    expect(v2.lamp!.costUsd).toBeCloseTo(2 * 0.0672, 4);
    // v2's provenance record says version 2 and links v1's record as its parent.
    const record = (await (await fetch(v2.lamp!.images[0]!.provenanceUrl!)).json()) as { version: number; parent: string; inputs: { references: { source?: string }[] } };
    expect(record).toMatchObject({ version: 2, parent: v1.lamp!.images[0]!.assetId });
    expect(record.inputs.references[0]?.source).toBe('edit');

    // The template row was re-rendered from its fresh cells, the feedback kept as a note.
    expect((await bytes(v2.card!.images[0]!.url)).equals(v1Card)).toBe(false);
    expect(v2.card?.notes).toContain('Feedback kept as a note (template images change with their cells): "The name is Anna"');
    // The same feedback again (a repeated click, a client's retry) makes nothing and pays nothing.
    const again = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [{ rowId: 'lamp', feedback: 'Make the lamp brass instead of red' }] } });
    expect(await again.json()).toMatchObject({ revisedRows: 0, alreadyApplied: ['lamp'], state: 'DONE' });
    expect(fake.requests).toHaveLength(2);
    expect((await (await s.api(`/v1/batches/${id}/rows/card/versions`)).json() as RowVersions).versions).toHaveLength(2);
  }, 180_000);

  it('refuses a round over the cap with its estimate, and bad rows listing each, changing nothing', async () => {
    const s = await server();
    fake.setDefault(imageReply(await solid('#cc2200'), { imageTokens: 1120 }));
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [
      { rowId: 'lamp', cells: { Prompt: 'The Aurora lamp', Model: MODEL, Text: 'none', Sizes: '1:1, 4:5' } },
      { rowId: 'bad', cells: { Prompt: '' } },
    ] } });
    const { id } = (await res.json()) as { id: string };
    await s.waitForBatch(id, 90_000);

    const over = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { maxCostUsd: 0.1, rows: [{ rowId: 'lamp', feedback: 'warmer light' }] } });
    expect(over.status).toBe(422);
    expect(await over.json()).toMatchObject({ estimate: { totalUsd: 0.134, images: 2, maxCostUsd: 0.1 } });

    const bad = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [
      { rowId: 'bad', feedback: 'fix it' }, { rowId: 'nope', feedback: 'x' }, { rowId: 'lamp', feedback: 'x', cells: { Prompt: 'x', Variants: '9' } },
    ] } });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { invalidFields: { field: string; message: string }[] };
    expect(problem.invalidFields.map((f) => f.field)).toEqual(['rows[0].rowId', 'rows[1].rowId']);
    const invalidCells = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [{ rowId: 'lamp', feedback: 'x', cells: { Prompt: 'x', Variants: '9' } }] } });
    expect(invalidCells.status).toBe(422);
    expect(JSON.stringify(await invalidCells.json())).toContain('Variants must be a whole number from 1 to 4');
    const empty = await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [{ rowId: 'lamp', feedback: '  ' }] } });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toContain('rows[0].feedback');

    // Nothing changed: one version, one round of model calls, the batch finished.
    expect(fake.requests).toHaveLength(2);
    expect(((await (await s.api(`/v1/batches/${id}/rows/lamp/versions`)).json()) as RowVersions).versions).toHaveLength(1);
    expect(((await (await s.api(`/v1/batches/${id}`)).json()) as { state: string }).state).toBe('DONE');
    expect((await s.api(`/v1/batches/${id}/rows/ghost/versions`)).status).toBe(404);
  }, 180_000);
});
