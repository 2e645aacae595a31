// Brand kits through the API: a kit's style comes with POST /v1/packs (multipart `brandKit`
// JSON), PATCH /v1/packs/:id changes it (a new version each time, null resets a field), every
// invalid field is listed in one 7807 problem, a WOFF2 font is unpacked and kept, and each row
// notes the kit version it was made with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack, RowsPage } from '../../../shared/index';
import { rows, startTestServer, type TestServer } from '../../helpers/server';

const require = createRequire(import.meta.url);
const WOFF2 = readFileSync(require.resolve('@fontsource/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-700-normal.woff2'));

let s: TestServer;
let image: Buffer;
beforeAll(async () => {
  s = await startTestServer();
  image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a6f4e' } }).png().toBuffer();
});
afterAll(() => s.close());

const create = (name: string, kit: unknown, fonts: { field: string; data: Buffer }[] = []) => {
  const f = new FormData();
  f.set('name', name);
  f.append('images', new Blob([new Uint8Array(image)]), 'a.png');
  if (kit !== undefined) f.set('brandKit', typeof kit === 'string' ? kit : JSON.stringify(kit));
  for (const font of fonts) f.append(font.field, new Blob([new Uint8Array(font.data)]), 'brand.woff2');
  return s.api('/v1/packs', { method: 'POST', body: f });
};
const fieldsOf = async (res: Response) => ((await res.json()) as { invalidFields: { field: string }[] }).invalidFields.map((f) => f.field).sort();

describe('brand kits in packs', () => {
  it('keeps a kit from POST, versions every PATCH, and rows note the version they used', async () => {
    const res = await create('Acme', { headlineColor: '#FFD400', position: 'top', scrim: 'plate', headlineSize: { max: 90 }, logoPosition: 'top-left', safeMargin: 0.05 });
    expect(res.status).toBe(201);
    const pack = (await res.json()) as Pack;
    expect(pack.brandKit).toMatchObject({ version: 1, style: { headlineColor: '#FFD400', position: 'top', scrim: 'plate', headlineSize: { max: 90 }, logoPosition: 'top-left', safeMargin: 0.05 } });

    const patched = await s.api(`/v1/packs/${pack.id}`, { method: 'PATCH', json: { brandKit: { position: 'bottom', align: 'end', headlineColor: null } } });
    expect(patched.status).toBe(200);
    const kit = ((await patched.json()) as Pack).brandKit!;
    expect(kit.version).toBe(2);
    expect(kit.style).toEqual({ position: 'bottom', align: 'end', scrim: 'plate', headlineSize: { max: 90 }, logoPosition: 'top-left', safeMargin: 0.05 });
    expect(((await (await s.api(`/v1/packs/${pack.id}`)).json()) as Pack).brandKit?.version).toBe(2);

    const batch = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'card', Model: 'template', 'Reference pack': 'Acme', Headline: 'Hello' })) } });
    const { id } = (await batch.json()) as { id: string };
    expect((await s.waitForBatch(id, 60_000)).counts.DONE).toBe(1);
    const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
    expect(page.rows[0]?.notes).toContain('brand kit v2');
  }, 90_000);

  it('lists every invalid kit field in one problem, from PATCH and from POST, and changes nothing', async () => {
    const pack = (await (await create('Bad kits', { headlineColor: '#112233' })).json()) as Pack;
    const bad = { headlineColor: 'red', position: 'middle', headlineSize: { min: 80, max: 40 }, logoSize: 2, colour: '#fff' };
    const patched = await s.api(`/v1/packs/${pack.id}`, { method: 'PATCH', json: { brandKit: bad } });
    expect(patched.status).toBe(400);
    expect(patched.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await fieldsOf(patched)).toEqual(['brandKit.colour', 'brandKit.headlineColor', 'brandKit.headlineSize.min', 'brandKit.logoSize', 'brandKit.position']);
    const after = (await (await s.api(`/v1/packs/${pack.id}`)).json()) as Pack;
    expect(after.brandKit).toMatchObject({ version: 1, style: { headlineColor: '#112233' } });

    const posted = await create('Bad kit on create', bad);
    expect(posted.status).toBe(400);
    expect(await fieldsOf(posted)).toEqual(['brandKit.colour', 'brandKit.headlineColor', 'brandKit.headlineSize.min', 'brandKit.logoSize', 'brandKit.position']);
    const notJson = await create('Kit not JSON', '{position: top');
    expect(await fieldsOf(notJson)).toEqual(['brandKit']);
    const list = (await (await s.api('/v1/packs')).json()) as { packs: Pack[] };
    expect(list.packs.map((p) => p.name)).not.toContain('Bad kit on create');
  });

  it('unpacks a WOFF2 brand font and refuses a cut one', async () => {
    const good = await create('Hebrew woff2', undefined, [{ field: 'font', data: WOFF2 }]);
    expect(good.status).toBe(201);
    expect(((await good.json()) as Pack).brandKit).toMatchObject({ headlineFont: { family: expect.stringMatching(/^Noto Sans Hebrew/) }, sublineFont: { bytes: expect.any(Number) } });
    const cut = await create('Cut woff2', undefined, [{ field: 'headlineFont', data: WOFF2.subarray(0, 2000) }]);
    expect(cut.status).toBe(400);
    const problem = (await cut.json()) as { invalidFields: { field: string; message: string }[] };
    expect(problem.invalidFields).toEqual([{ field: 'headlineFont', message: 'the WOFF2 file is not the length its header says (truncated?)' }]);
  });
});
