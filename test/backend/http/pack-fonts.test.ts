// Brand fonts in a pack (multipart POST /v1/packs): a good TTF or WOFF is kept (validated sfnt,
// content-addressed) and used by the rows of that pack; a truncated font and a file that is not
// a font are refused with a 400 naming the field and the problem.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack, RowsPage } from '../../../shared/index';
import { brandTextFonts, shaped } from '../../../backend/src/render/text-metrics';
import { rows, startTestServer, type TestServer } from '../../helpers/server';

const require = createRequire(import.meta.url);
const TTF = readFileSync(require.resolve('@expo-google-fonts/noto-sans-thai/700Bold/NotoSansThai_700Bold.ttf'));
const WOFF = readFileSync(require.resolve('@fontsource/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-400-normal.woff'));

let s: TestServer;
let image: Buffer;
beforeAll(async () => {
  s = await startTestServer();
  image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a6f4e' } }).png().toBuffer();
});
afterAll(() => s.close());

const upload = (name: string, fonts: { field: string; data: Buffer; filename: string }[]) => {
  const f = new FormData();
  f.set('name', name);
  f.append('images', new Blob([new Uint8Array(image)]), 'a.png');
  for (const font of fonts) f.append(font.field, new Blob([new Uint8Array(font.data)]), font.filename);
  return s.api('/v1/packs', { method: 'POST', body: f });
};

describe('brand fonts in packs', () => {
  it('keeps a good TTF (headline) and WOFF (subline), and the rows of the pack use them', async () => {
    const res = await upload('Thai brand', [
      { field: 'headlineFont', data: TTF, filename: 'brand.ttf' },
      { field: 'sublineFont', data: WOFF, filename: 'brand.woff' },
    ]);
    expect(res.status).toBe(201);
    const pack = (await res.json()) as Pack;
    expect(pack.brandKit).toMatchObject({ version: 1, headlineFont: { family: 'Noto Sans Thai' }, sublineFont: { family: 'Noto Sans Hebrew' } });
    expect(pack.brandKit?.headlineFont?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const batch = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'card', Model: 'template', 'Reference pack': 'Thai brand', Headline: 'สวัสดีครับ', Subline: 'שלום' })) } });
    const { id } = (await batch.json()) as { id: string };
    const status = await s.waitForBatch(id, 60_000);
    expect(status.counts.DONE).toBe(1);
    const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
    expect(page.rows[0]?.notes).toContain('brand kit v1');

    // The brand font is first in the stack: it draws what it has, Rowshot's fonts the rest.
    const fonts = brandTextFonts({ id: 'test', headline: TTF, subline: null })!;
    expect(shaped('สวัสดี', true, fonts).faces).toEqual(['brand test headline']);
    expect(shaped('สวัสดี 李', true, fonts).faces).toEqual(['brand test headline', 'Noto Sans SC Bold']);
  });

  it('refuses a truncated font and a file that is not a font, naming each field', async () => {
    const res = await upload('Broken brand', [
      { field: 'headlineFont', data: TTF.subarray(0, 4000), filename: 'cut.ttf' },
      { field: 'sublineFont', data: image, filename: 'not-a-font.ttf' },
    ]);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { invalidFields: { field: string; message: string }[] };
    expect(problem.invalidFields).toEqual(expect.arrayContaining([
      { field: 'headlineFont', message: expect.stringMatching(/truncated/) },
      { field: 'sublineFont', message: 'the file is not a font (expected TTF, OTF, WOFF or WOFF2)' },
    ]));
    // Nothing was created.
    const list = (await (await s.api('/v1/packs')).json()) as { packs: Pack[] };
    expect(list.packs.map((p) => p.name)).not.toContain('Broken brand');
  });

  it('sets, refuses and removes a font of an existing pack (PUT/DELETE /v1/packs/:id/fonts/:part), a new kit version each time', async () => {
    const made = (await (await upload('Late brand', [])).json()) as Pack;
    expect(made.brandKit).toBeNull();
    const put = (part: string, data: Buffer, type = 'font/ttf') =>
      s.api(`/v1/packs/${made.id}/fonts/${part}`, { method: 'PUT', headers: { 'content-type': type }, body: new Uint8Array(data) });

    const good = await put('headline', TTF);
    expect(good.status).toBe(200);
    expect(((await good.json()) as Pack).brandKit).toMatchObject({ version: 1, headlineFont: { family: 'Noto Sans Thai' }, sublineFont: null });

    const both = await put('both', WOFF, 'application/octet-stream');
    expect(((await both.json()) as Pack).brandKit).toMatchObject({ version: 2, headlineFont: { family: 'Noto Sans Hebrew' }, sublineFont: { family: 'Noto Sans Hebrew' } });

    // Refused fonts change nothing, and the problem names the body.
    const cut = await put('subline', TTF.subarray(0, 4000));
    expect(cut.status).toBe(400);
    expect(((await cut.json()) as { invalidFields: unknown[] }).invalidFields).toEqual([{ field: 'body', message: expect.stringMatching(/truncated/) }]);
    const notFont = await put('subline', image);
    expect(((await notFont.json()) as { invalidFields: unknown[] }).invalidFields).toEqual([{ field: 'body', message: 'the file is not a font (expected TTF, OTF, WOFF or WOFF2)' }]);
    const wrongType = await put('subline', TTF, 'text/plain');
    expect(wrongType.status).toBe(415);
    const wrongPart = await put('title', TTF);
    expect(wrongPart.status).toBe(404);
    const after = (await (await s.api(`/v1/packs/${made.id}`)).json()) as Pack;
    expect(after.brandKit?.version).toBe(2);

    const removed = await s.api(`/v1/packs/${made.id}/fonts/headline`, { method: 'DELETE' });
    expect(((await removed.json()) as Pack).brandKit).toMatchObject({ version: 3, headlineFont: null, sublineFont: { family: 'Noto Sans Hebrew' } });

    // Rows of the pack note the kit version they were made with.
    const batch = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'card', Model: 'template', 'Reference pack': 'Late brand', Headline: 'Hello', Subline: 'שלום' })) } });
    const { id } = (await batch.json()) as { id: string };
    expect((await s.waitForBatch(id, 60_000)).counts.DONE).toBe(1);
    const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
    expect(page.rows[0]?.notes).toContain('brand kit v3');
  }, 90_000);
});
