import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../../../shared/index';
import { declaredPng } from '../../helpers/png';
import { startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
let red: Buffer;
let blue: Buffer;
let logo: Buffer;
beforeAll(async () => {
  s = await startTestServer();
  red = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#d02020' } }).jpeg().withExif({ IFD0: { Copyright: 'secret-owner' } }).toBuffer();
  blue = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#2040d0' } }).png().toBuffer();
  logo = await sharp({ create: { width: 120, height: 60, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
});
afterAll(() => s.close());

const form = (name: string, files: { field: string; data: Buffer; filename: string }[], modes?: string) => {
  const f = new FormData();
  f.set('name', name);
  if (modes) f.set('modes', modes);
  for (const file of files) f.append(file.field, new Blob([new Uint8Array(file.data)]), file.filename);
  return f;
};
const upload = (f: FormData) => s.api('/v1/packs', { method: 'POST', body: f });

describe('reference packs', () => {
  it('creates a pack: normalised, metadata stripped, thumbnailed, content-addressed', async () => {
    const res = await upload(form('Brand', [
      { field: 'images', data: red, filename: 'a.jpg' }, { field: 'images', data: blue, filename: 'b.png' }, { field: 'logo', data: logo, filename: 'logo.png' },
    ], 'style_and_composition,style_only'));
    expect(res.status).toBe(201);
    const pack = (await res.json()) as Pack;
    expect(pack.images.map((i) => i.mode)).toEqual(['style_and_composition', 'style_only']);
    expect(pack.images[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.logo).not.toBeNull();
    expect(pack.palette[0]).toMatch(/^#[0-9a-f]{6}$/);
    const stored = Buffer.from(await (await fetch(pack.images[0]!.url)).arrayBuffer());
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('secret-owner'))).toBe(false);
    expect((await fetch(pack.images[0]!.thumbnailUrl)).status).toBe(200);
    // The same bytes in another pack are stored once (same content address).
    const again = (await (await upload(form('Brand copy', [{ field: 'images', data: red, filename: 'a.jpg' }]))).json()) as Pack;
    expect(again.images[0]!.id).toBe(pack.images[0]!.id);
  });

  it('renames, reorders, changes modes and deletes; names are unique', async () => {
    const pack = (await (await upload(form('Edit me', [{ field: 'images', data: red, filename: 'a.jpg' }, { field: 'images', data: blue, filename: 'b.png' }]))).json()) as Pack;
    const [a, b] = pack.images.map((i) => i.id);
    const patched = await s.api(`/v1/packs/${pack.id}`, { method: 'PATCH', json: { name: 'Edited', order: [b, a], modes: { [a!]: 'style_only' } } });
    expect(patched.status).toBe(200);
    const p = (await patched.json()) as Pack;
    expect(p.name).toBe('Edited');
    expect(p.images.map((i) => [i.id, i.mode])).toEqual([[b, 'style_and_composition'], [a, 'style_only']]);
    expect((await s.api(`/v1/packs/${pack.id}`, { method: 'PATCH', json: { order: [a] } })).status).toBe(400);
    expect((await upload(form('edited', [{ field: 'images', data: blue, filename: 'b.png' }]))).status).toBe(409);
    const list = (await (await s.api('/v1/packs')).json()) as { packs: Pack[] };
    expect(list.packs.map((x) => x.name)).toContain('Edited');
    expect((await s.api(`/v1/packs/${pack.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.api(`/v1/packs/${pack.id}`)).status).toBe(404);
  });

  it.each([
    ['a text file', Buffer.from('hello, not an image'), 415, /^the file is a text file; upload a PNG, JPEG or WebP image$/],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), 415, /^the file is an? SVG.*; upload a PNG, JPEG or WebP image$/],
    ['a truncated PNG', Buffer.alloc(0), 400, /^the image data is corrupt or truncated|could not be read/],
    ['a pixel bomb', declaredPng(50_000, 50_000), 400, /50000 ?[×x] ?50000|2[,.]?500 megapixels|megapixel/i],
  ])('refuses %s with a clear 4xx problem naming the field', async (_what, data, status, message) => {
    const payload = data.length === 0 ? blue.subarray(0, Math.floor(blue.length / 2)) : data;
    const res = await upload(form('Bad', [{ field: 'images', data: payload, filename: 'x.png' }]));
    expect(res.status).toBe(status);
    const p = (await res.json()) as { invalidFields: { field: string; message: string }[] };
    expect(p.invalidFields[0]!.field).toBe('images[0]');
    expect(p.invalidFields[0]!.message).toMatch(message);
  });

  it('refuses files over 10 MB and more than 6 images', async () => {
    const big = await upload(form('Big', [{ field: 'images', data: Buffer.alloc(10 * 1024 * 1024 + 10, 1), filename: 'big.png' }]));
    expect(big.status).toBe(413);
    const many = await upload(form('Many', Array.from({ length: 7 }, (_, i) => ({ field: 'images', data: blue, filename: `${i}.png` }))));
    expect(many.status).toBe(400);
    expect(((await many.json()) as { detail: string }).detail).toMatch(/at most 6/);
    const none = await upload(form('None', []));
    expect(none.status).toBe(400);
  });

  it("uses a pack's images for rows that name it, and isolates packs per tenant", async () => {
    await upload(form('Rowpack', [{ field: 'images', data: red, filename: 'a.jpg' }, { field: 'logo', data: logo, filename: 'logo.png' }]));
    const created = await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'x', cells: { Prompt: 'p', 'Reference pack': 'rowpack', Headline: 'Hi', Logo: 'yes' } }] } });
    const { id } = (await created.json()) as { id: string };
    const done = await s.waitForBatch(id);
    expect(done.counts.DONE).toBe(1);
    const { createApiKey } = await import('../../../backend/src/core/tenants/tenants');
    const other = (await createApiKey(s.rowshot.deps.store, 'other', s.rowshot.deps.clock)).key;
    const theirs = (await (await s.api('/v1/packs', { key: other })).json()) as { packs: Pack[] };
    expect(theirs.packs).toEqual([]);
    const mine = (await (await s.api('/v1/packs')).json()) as { packs: Pack[] };
    expect((await s.api(`/v1/packs/${mine.packs[0]!.id}`, { key: other })).status).toBe(404);
  });
});
