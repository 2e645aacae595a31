// A row's own Reference images, end to end: links fetched from a local https server (its own
// certificate, a fake DNS name, loopback allowed only through the test-only override), checked
// like uploads, cached for a day, sent to the model before the pack's images, used as the
// template's background; a link that cannot be fetched fails only its row, saying which and why.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RowResult } from '../../../../shared/index';
import { imageReply, startGeminiFake, type GeminiFake } from '../../../helpers/fakes/gemini-fake';
import { startTestServer, type TestServer } from '../../../helpers/server';

const cert = readFileSync(new URL('../../../fixtures/tls/localhost-cert.pem', import.meta.url), 'utf8');
const key = readFileSync(new URL('../../../fixtures/tls/localhost-key.pem', import.meta.url), 'utf8');
const MODEL = 'gemini-3.1-flash-image';

let images: Server;
let port = 0;
const hits: string[] = [];
let product: Buffer;
let gemini: GeminiFake;
let servers: TestServer[] = [];

/** A product shot: a red disc on a dark field (so a template background of it is told apart). */
const productShot = () =>
  sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="700"><rect width="900" height="700" fill="#203040"/><circle cx="450" cy="350" r="260" fill="#ff2020"/></svg>')).png().toBuffer();

beforeAll(async () => {
  product = await productShot();
  images = createServer({ key, cert }, (req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/lamp.png') res.writeHead(200, { 'content-type': 'image/png' }).end(product);
    else if (req.url === '/notes.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end('not an image');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  port = (images.address() as AddressInfo).port;
  gemini = await startGeminiFake();
  gemini.setDefault(imageReply(await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3366cc' } }).png().toBuffer(), { imageTokens: 1120 }));
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  hits.length = 0;
  gemini.requests.length = 0;
});
afterAll(async () => {
  await new Promise((resolve) => images.close(resolve));
  await gemini.close();
});

/** A server whose reference fetches may reach the local image server as `images.test`. */
async function server(opts: { testFetch?: boolean } = {}): Promise<TestServer> {
  const s = await startTestServer(
    { GEMINI_API_KEY: 'AIza-refs-test-key-0123', ROWSHOT_GEMINI_BASE_URL: gemini.url, ROWSHOT_DAILY_BUDGET_USD: 'none' },
    opts.testFetch === false ? {} : { referenceFetchForTests: { allowLoopback: true, ca: cert, resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) } },
  );
  servers.push(s);
  return s;
}

async function run(s: TestServer, rows: { rowId: string; cells: Record<string, string> }[]): Promise<Record<string, RowResult>> {
  const res = await s.api('/v1/batches', { method: 'POST', json: { rows } });
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await s.waitForBatch(id, 90_000);
  const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as { rows: RowResult[] };
  return Object.fromEntries(page.rows.map((r) => [r.rowId, r]));
}

async function pixel(url: string, fx: number, fy: number): Promise<number[]> {
  const png = Buffer.from(await (await fetch(url)).arrayBuffer());
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * 3;
  return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
}

const link = (path: string) => `https://images.test:${port}${path}`;

describe('Reference images', () => {
  it("makes a template row's background of its product shot, and fetches a link once a day", async () => {
    const s = await server();
    const rows = await run(s, [{ rowId: 'lamp', cells: { Prompt: 'The Aurora lamp', Model: 'template', 'Reference images': link('/lamp.png'), Text: 'none' } }]);
    expect(rows.lamp).toMatchObject({ state: 'DONE' });
    const [r = 0, g = 0, b = 0] = await pixel(rows.lamp!.images[0]!.url, 0.5, 0.45);
    expect(r).toBeGreaterThan(200);
    expect(g + b).toBeLessThan(120);
    expect(hits).toEqual(['/lamp.png']);
    // A second batch within the day uses the kept image.
    expect((await run(s, [{ rowId: 'again', cells: { Prompt: 'The Aurora lamp', Model: 'template', 'Reference images': link('/lamp.png') } }])).again?.state).toBe('DONE');
    expect(hits).toEqual(['/lamp.png']);
  }, 120_000);

  it("sends the row's images to the model before the pack's, described as the product", async () => {
    const s = await server();
    const form = new FormData();
    form.append('name', 'studio');
    form.append('images', new Blob([await sharp({ create: { width: 600, height: 600, channels: 3, background: '#22aa66' } }).png().toBuffer()], { type: 'image/png' }), 'studio.png');
    const pack = await s.api('/v1/packs', { method: 'POST', body: form });
    expect(pack.status, await pack.clone().text()).toBe(201);
    const upload = await s.api('/v1/uploads', { method: 'POST', body: await sharp({ create: { width: 500, height: 500, channels: 3, background: '#aa22cc' } }).png().toBuffer(), headers: { 'content-type': 'image/png' } });
    const { id: uploadId } = (await upload.json()) as { id: string };
    const rows = await run(s, [{ rowId: 'lamp', cells: { Prompt: 'Studio photo of the Aurora lamp', Model: MODEL, Text: 'none', 'Reference pack': 'studio', 'Reference images': `${link('/lamp.png')}\n${uploadId}` } }]);
    expect(rows.lamp?.state, rows.lamp?.reason ?? '').toBe('DONE');
    const parts = (gemini.requests[0]?.body as { contents: { parts: { text?: string; inlineData?: { data: string } }[] }[] }).contents[0]!.parts;
    const sent = parts.filter((p) => p.inlineData).map((p) => Buffer.from(p.inlineData!.data, 'base64'));
    expect(sent).toHaveLength(3);
    const means = async (png: Buffer) => (await sharp(png).stats()).channels.map((c) => Math.round(c.mean));
    // The product (red on dark), the upload (purple), then the pack's image (green).
    const [pr = 0, pg = 0] = await means(sent[0]!);
    expect(pr - pg).toBeGreaterThan(50);
    const near = (got: number[], want: number[]) => want.every((w, i) => Math.abs((got[i] ?? 0) - w) <= 4);
    expect(near(await means(sent[1]!), [170, 34, 204])).toBe(true);
    expect(near(await means(sent[2]!), [34, 170, 102])).toBe(true);
    expect(parts[0]?.text).toContain('Image 1 (product): show this exact product');
    expect(parts[0]?.text).toContain('Image 3 (reference)');
  }, 120_000);

  it('fails only the row whose link cannot be fetched, naming the image and the reason', async () => {
    const s = await server();
    const rows = await run(s, [
      { rowId: 'missing', cells: { Prompt: 'x', Model: 'template', 'Reference images': `${link('/lamp.png')}, ${link('/gone.png')}` } },
      { rowId: 'text', cells: { Prompt: 'x', Model: 'template', 'Reference images': link('/notes.txt') } },
      { rowId: 'fine', cells: { Prompt: 'x', Model: 'template', 'Reference images': link('/lamp.png') } },
      { rowId: 'http', cells: { Prompt: 'x', Model: 'template', 'Reference images': `http://images.test:${port}/lamp.png` } },
    ]);
    expect(rows.missing).toMatchObject({ state: 'FAILED', reason: 'reference image 2 could not be fetched (HTTP 404 from images.test)' });
    expect(rows.text).toMatchObject({ state: 'FAILED', reason: expect.stringMatching(/^reference image 1 is not a usable image \(/) });
    expect(rows.fine?.state).toBe('DONE');
    expect(rows.http).toMatchObject({ state: 'FAILED', reason: expect.stringContaining('Reference image 1 must be an https link') });
  }, 120_000);

  it('never reaches a loopback address without the test-only override', async () => {
    const s = await server({ testFetch: false });
    const rows = await run(s, [{ rowId: 'local', cells: { Prompt: 'x', Model: 'template', 'Reference images': `https://127.0.0.1:${port}/lamp.png` } }]);
    expect(rows.local).toMatchObject({ state: 'FAILED', reason: expect.stringMatching(/^reference image 1 could not be fetched \(127\.0\.0\.1 is a (loopback|private)/) });
    expect(hits).toEqual([]);
  }, 120_000);
});
