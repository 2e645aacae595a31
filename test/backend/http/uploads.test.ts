import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../backend/src/core/tenants/tenants';
import { MAX_UPLOAD_BYTES, Pack, Upload, type Problem } from '../../../shared/index';
import { startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
let otherKey: string;
let red: Buffer;
let blue: Buffer;
let green: Buffer;
let logo: Buffer;
beforeAll(async () => {
  s = await startTestServer({ ROWSHOT_RATE_LIMIT_PER_MIN: '6000' });
  otherKey = (await createApiKey(s.rowshot.deps.store, 'other', s.rowshot.deps.clock)).key;
  const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();
  [red, blue, green] = await Promise.all([solid(300, 200, '#d02020'), solid(200, 200, '#2040d0'), solid(160, 240, '#20b040')]);
  logo = await sharp({ create: { width: 120, height: 60, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
});
afterAll(() => s.close());

const upload = (data: Buffer | string, contentType = 'image/png', key?: string) =>
  s.api('/v1/uploads', { method: 'POST', body: typeof data === 'string' ? data : new Uint8Array(data), headers: { 'content-type': contentType }, ...(key ? { key } : {}) });
const uploaded = async (data: Buffer, key?: string): Promise<Upload> => {
  const res = await upload(data, 'image/png', key);
  expect(res.status).toBe(201);
  return Upload.parse(await res.json());
};
const createFromUploads = (body: unknown) => s.api('/v1/packs', { method: 'POST', json: body });
const problem = async (res: Response) => (await res.json()) as Problem & { invalidFields: { field: string; message: string }[] };

describe('POST /v1/uploads', () => {
  it('stores a PNG and answers 201 with its dimensions, type and a thumbnail link', async () => {
    const res = await upload(red);
    expect(res.status).toBe(201);
    const up = Upload.parse(await res.json());
    // An opaque image is normalised to JPEG, as pack files are.
    expect(up).toMatchObject({ width: 300, height: 200, mimeType: 'image/jpeg' });
    expect(up.id).toMatch(/^u_[a-z2-7]{16}$/);
    const thumb = await fetch(up.thumbnailUrl);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(300);

    const transparent = await upload(logo, 'application/octet-stream');
    expect(transparent.status).toBe(201);
    expect(Upload.parse(await transparent.json())).toMatchObject({ width: 120, height: 60, mimeType: 'image/png' });
  });

  it.each([
    ['a text file sent as bytes', 'hello, not an image', 'application/octet-stream', 415, /text file; upload a PNG, JPEG or WebP image/],
    ['an SVG sent as a PNG', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>', 'image/png', 415, /SVG.*; upload a PNG, JPEG or WebP image/],
    ['an SVG sent as SVG', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'image/svg+xml', 415, /image\/png, image\/jpeg, image\/webp, application\/octet-stream \(got image\/svg\+xml\)/],
    ['an empty body', '', 'image/png', 400, /empty/],
  ])('refuses %s with a problem naming the body', async (_what, data, type, status, message) => {
    const res = await upload(data, type);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const p = await problem(res);
    expect(p.invalidFields).toEqual([{ field: 'body', message: expect.stringMatching(message) }]);
  });

  it('refuses one byte over 10 MB with 413, and takes exactly 10 MB to the image checks', async () => {
    for (const size of [MAX_UPLOAD_BYTES + 1, MAX_UPLOAD_BYTES + 1024 * 1024]) {
      const res = await upload(Buffer.alloc(size, 1), 'application/octet-stream');
      expect(res.status, `${size} bytes`).toBe(413);
      expect((await problem(res)).invalidFields[0]!.field).toBe('body');
    }
    // At the limit the size is fine; these bytes are simply not an image.
    expect((await upload(Buffer.alloc(MAX_UPLOAD_BYTES, 1), 'application/octet-stream')).status).toBe(415);
  });

  it('needs an API key', async () => {
    const res = await s.api('/v1/uploads', { method: 'POST', key: null, body: new Uint8Array(red), headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(401);
  });
});

describe('POST /v1/packs as JSON, from uploads', () => {
  it('makes a pack of the uploads in order, with their modes and the logo', async () => {
    const [b, r, g, l] = await Promise.all([uploaded(blue), uploaded(red), uploaded(green), uploaded(logo)]);
    const res = await createFromUploads({
      name: '  Uploaded brand ',
      images: [{ uploadId: b!.id, mode: 'style_only' }, { uploadId: r!.id }, { uploadId: g!.id, mode: 'style_only' }],
      logoUploadId: l!.id,
    });
    expect(res.status).toBe(201);
    const pack = Pack.parse(await res.json());
    expect(res.headers.get('location')).toBe(`/v1/packs/${pack.id}`);
    expect(pack.name).toBe('Uploaded brand');
    expect(pack.images.map((i) => [i.width, i.height, i.mode])).toEqual([[200, 200, 'style_only'], [300, 200, 'style_and_composition'], [160, 240, 'style_only']]);
    expect(pack.images.map((i) => i.thumbnailUrl)).toEqual([b!.thumbnailUrl, r!.thumbnailUrl, g!.thumbnailUrl]);
    expect(pack.logo).toMatchObject({ width: 120, height: 60, thumbnailUrl: l!.thumbnailUrl });
    // The palette comes from the first image: blue.
    const [rr, gg, bb] = [1, 3, 5].map((i) => parseInt(pack.palette[0]!.slice(i, i + 2), 16));
    expect(bb).toBeGreaterThan(Math.max(rr!, gg!));
    expect((await fetch(pack.images[1]!.url)).status).toBe(200);
    expect(Pack.parse(await (await s.api(`/v1/packs/${pack.id}`)).json())).toEqual(pack);
  });

  it("lists every unknown upload id, another tenant's included, and creates nothing", async () => {
    const mine = await uploaded(red);
    const theirs = await uploaded(blue, otherKey);
    const res = await createFromUploads({
      name: 'Broken',
      images: [{ uploadId: mine.id }, { uploadId: 'u_aaaaaaaaaaaaaaaa' }, { uploadId: theirs.id }, { uploadId: '../../system/x' }],
      logoUploadId: 'nope',
    });
    expect(res.status).toBe(400);
    const p = await problem(res);
    expect(p.invalidFields).toEqual(['images[1].uploadId', 'images[2].uploadId', 'images[3].uploadId', 'logoUploadId'].map((field) => ({ field, message: 'no such upload' })));
    const list = (await (await s.api('/v1/packs')).json()) as { packs: Pack[] };
    expect(list.packs.map((x) => x.name)).not.toContain('Broken');
    // The other tenant can use its own upload.
    const ok = await s.api('/v1/packs', { method: 'POST', key: otherKey, json: { name: 'Theirs', images: [{ uploadId: theirs.id }] } });
    expect(ok.status).toBe(201);
  });

  it('refuses a pack of no images, more than 6, or the same image twice, per field', async () => {
    const up = await uploaded(green);
    const none = await problem(await createFromUploads({ name: 'Empty', images: [] }));
    expect(none.invalidFields).toEqual([{ field: 'images', message: 'a pack needs at least one image' }]);
    const many = await problem(await createFromUploads({ name: 'Many', images: Array.from({ length: 7 }, () => ({ uploadId: up.id })) }));
    expect(many.invalidFields).toEqual([{ field: 'images', message: 'a pack holds at most 6 images (got 7)' }]);
    const twice = await problem(await createFromUploads({ name: 'Twice', images: [{ uploadId: up.id }, { uploadId: up.id }] }));
    expect(twice.invalidFields).toEqual([{ field: 'images[1].uploadId', message: 'the same image as images[0]' }]);
    const shape = await createFromUploads({ name: ' ', images: [{ uploadId: '', mode: 'loud' }] });
    expect(shape.status).toBe(400);
    expect((await problem(shape)).invalidFields.map((f) => f.field)).toEqual(expect.arrayContaining(['name', 'images[0].uploadId', 'images[0].mode']));
  });

  it('answers 409 for a name already in use, compared trimmed and case-insensitively', async () => {
    const up = await uploaded(red);
    expect((await createFromUploads({ name: 'Taken', images: [{ uploadId: up.id }] })).status).toBe(201);
    const again = await createFromUploads({ name: ' taken', images: [{ uploadId: up.id }] });
    expect(again.status).toBe(409);
    expect((await problem(again)).invalidFields).toEqual([{ field: 'name', message: 'already in use' }]);
  });

  it('is described in /openapi.json', async () => {
    const doc = (await (await s.api('/openapi.json', { key: null })).json()) as { paths: Record<string, { post?: { requestBody?: { content: Record<string, unknown> } } }> };
    expect(Object.keys(doc.paths['/v1/uploads']!.post!.requestBody!.content)).toEqual(['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream']);
    expect(Object.keys(doc.paths['/v1/packs']!.post!.requestBody!.content)).toEqual(['application/json', 'multipart/form-data']);
  });
});
