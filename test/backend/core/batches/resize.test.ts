// Resize: one look across a row's sizes, through the real app and the real @google/genai client
// against the wire-fake Gemini. `recompose` sends each further size the first size's image as
// its first reference; `crop` makes one generation and cuts every size from it; the estimate
// and the row's cost price exactly the calls made.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RowResult } from '../../../../shared/index';
import { imageReply, startGeminiFake, type GeminiFake } from '../../../helpers/fakes/gemini-fake';
import { startTestServer, type TestServer } from '../../../helpers/server';

let fake: GeminiFake;
let servers: TestServer[] = [];
const MODEL = 'gemini-3.1-flash-image';
const solid = (background: string, width = 1024, height = 1024) => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

interface SentPart { text?: string; inlineData?: { mimeType: string; data: string } }
const partsOf = (i: number) => ((fake.requests[i]?.body as { contents: { parts: SentPart[] }[] }).contents[0]?.parts ?? []);
const ratioOf = (i: number) => (fake.requests[i]?.body as { generationConfig?: { imageConfig?: { aspectRatio?: string } } }).generationConfig?.imageConfig?.aspectRatio;

async function server(): Promise<TestServer> {
  const s = await startTestServer({ GEMINI_API_KEY: 'AIza-resize-test-key-0123', ROWSHOT_GEMINI_BASE_URL: fake.url, ROWSHOT_PROVIDER_CHAIN: MODEL, ROWSHOT_DAILY_BUDGET_USD: 'none' });
  servers.push(s);
  return s;
}

async function run(s: TestServer, body: Record<string, unknown>): Promise<RowResult> {
  const res = await s.api('/v1/batches', { method: 'POST', json: body });
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await s.waitForBatch(id, 90_000);
  const [row] = ((await (await s.api(`/v1/batches/${id}/rows`)).json()) as { rows: RowResult[] }).rows;
  return row!;
}

async function estimate(s: TestServer, body: Record<string, unknown>): Promise<number> {
  const res = await s.api('/v1/estimate', { method: 'POST', json: body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { totalUsd: number }).totalUsd;
}

async function fetchImage(url: string) {
  const data = Buffer.from(await (await fetch(url)).arrayBuffer());
  const { data: px, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = new Set<string>();
  for (let i = 0; i < px.length; i += 3 * 97) colours.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
  return { width: info.width, height: info.height, colours };
}

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

describe('Resize recompose (the default)', () => {
  it('makes each further size from the first: the master is its first reference, with an instruction to recompose', async () => {
    const s = await server();
    const masters = [await solid('#cc2200'), await solid('#00aa44')];
    fake.script(imageReply(masters[0]!, { imageTokens: 1120 }), imageReply(masters[1]!, { imageTokens: 1120 }));
    fake.setDefault(imageReply(await solid('#2244cc', 768, 1344), { imageTokens: 1120 }));
    const cells = { Prompt: 'A lamp on a desk', Sizes: 'Square, Instagram story', Variants: 2, Text: 'none', Model: MODEL };
    const priced = await estimate(s, { rows: [{ rowId: 'lamp', cells }] });
    const row = await run(s, { rows: [{ rowId: 'lamp', cells }] });

    expect(row.state, row.reason ?? '').toBe('DONE');
    expect(fake.requests).toHaveLength(4);
    // Sizes in order, then variants: the square's two variants are the masters.
    expect([0, 1, 2, 3].map(ratioOf)).toEqual(['1:1', '1:1', '9:16', '9:16']);
    for (const v of [0, 1]) {
      expect(partsOf(v).filter((p) => p.inlineData)).toHaveLength(0);
      const story = partsOf(2 + v);
      const sent = story.filter((p) => p.inlineData);
      expect(sent).toHaveLength(1);
      // Variant N's story is given variant N's square, exactly as the model made it.
      expect(sent[0]!.inlineData!.data).toBe(masters[v]!.toString('base64'));
      expect(story[0]?.text).toContain('Image 1 (the same asset in another size): keep its subject, composition elements, colour palette and lighting; recompose it for a 9:16 frame');
    }
    expect(row.images.map((i) => `${i.size}-v${i.variant}`)).toEqual(['1080x1080-v1', '1080x1080-v2', '1080x1920-v1', '1080x1920-v2']);
    // Four calls are priced and paid.
    expect(priced).toBeCloseTo(4 * 0.067, 6);
    expect(row.costUsd).toBeCloseTo(4 * 0.0672, 4);
  }, 120_000);
});

describe('Resize crop', () => {
  it('makes one generation at a ratio that covers every size and cuts each size from it, priced as one call', async () => {
    const s = await server();
    // A master of two colours: every crop of it holds only those (a new generation would be blue).
    const master = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#cc2200' } })
      .composite([{ input: await solid('#00aa44', 512, 1024), left: 0, top: 0 }]).png().toBuffer();
    fake.script(imageReply(master, { imageTokens: 1120 }));
    fake.setDefault(imageReply(await solid('#2244cc'), { imageTokens: 1120 }));
    const cells = { Prompt: 'A lamp on a desk', Sizes: 'Square, Instagram story, YouTube thumbnail', Resize: 'crop', Text: 'none', Model: MODEL };
    const priced = await estimate(s, { rows: [{ rowId: 'lamp', cells }] });
    const row = await run(s, { rows: [{ rowId: 'lamp', cells }] });

    expect(row.state, row.reason ?? '').toBe('DONE');
    expect(fake.requests).toHaveLength(1);
    // 1:1 loses least to both 9:16 and 16:9.
    expect(ratioOf(0)).toBe('1:1');
    expect(priced).toBeCloseTo(0.067, 6);
    expect(row.costUsd).toBeCloseTo(0.0672, 4);
    const made = await Promise.all(row.images.map((i) => fetchImage(i.url)));
    expect(made.map((m) => `${m.width}x${m.height}`)).toEqual(['1080x1080', '1080x1920', '1280x720']);
    const near = (c: string, hex: string) => {
      const [r, g, b] = c.split(',').map(Number);
      const t = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16));
      return Math.abs(r! - t[0]!) + Math.abs(g! - t[1]!) + Math.abs(b! - t[2]!) < 60;
    };
    for (const m of made) {
      // Only the master's two colours (and their blend at the seam): no other generation's blue.
      expect([...m.colours].every((c) => near(c, '#cc2200') || near(c, '#00aa44') || !near(c, '#2244cc'))).toBe(true);
      expect([...m.colours].some((c) => near(c, '#cc2200') || near(c, '#00aa44'))).toBe(true);
    }
    // Each size's record names the master as its parent; the master is recorded once, with the cost.
    const records = await Promise.all(row.images.map(async (i) => (await (await fetch(i.provenanceUrl!)).json()) as { parent: string | null; costUsd: number; parameters: { resizeMode?: string } }));
    const parents = new Set(records.map((r) => r.parent));
    expect(parents.size).toBe(1);
    expect([...parents][0]).toMatch(/\S/);
    expect(records.every((r) => r.costUsd === 0 && r.parameters.resizeMode === 'crop')).toBe(true);
  }, 120_000);

  it('is the batch default with resizeDefault, and a Resize cell wins over it', async () => {
    const s = await server();
    fake.setDefault(imageReply(await solid('#cc2200'), { imageTokens: 1120 }));
    const rows = [
      { rowId: 'a', cells: { Prompt: 'A lamp', Sizes: '1:1, 4:5, 9:16', Model: MODEL, Text: 'none' } },
      { rowId: 'b', cells: { Prompt: 'A desk', Sizes: '1:1, 4:5, 9:16', Model: MODEL, Text: 'none', Resize: 'recompose' } },
    ];
    expect(await estimate(s, { rows, resizeDefault: 'crop' })).toBeCloseTo((1 + 3) * 0.067, 6);
    expect(await estimate(s, { rows })).toBeCloseTo(6 * 0.067, 6);
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows, resizeDefault: 'crop' } });
    expect(res.status).toBe(202);
    await s.waitForBatch(((await res.json()) as { id: string }).id, 90_000);
    expect(fake.requests).toHaveLength(4);
    const bad = await s.api('/v1/batches', { method: 'POST', json: { rows, resizeDefault: 'stretch' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('resizeDefault');
  }, 120_000);
});
