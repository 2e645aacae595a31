// Reference packs from the Packs sidebar: the backend calls it makes, the views it answers, and
// what it writes into the sheet (the pack name, the dropdown).
import { describe, expect, it } from 'vitest';
import type { Pack } from '../../../../shared/index';
import { createApp } from '../../../../addon/server/app';
import type { Result } from '../../../../addon/server/rpc';
import type { HttpRequest, HttpResponse } from '../../../../addon/server/services/ports';
import { stubHttp } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const img = (id: string) => ({ id, mode: 'style_only' as const, width: 64, height: 48, url: `https://cdn.test/${id}`, thumbnailUrl: `https://cdn.test/${id}_t` });
const pack = (name: string, extra: Partial<Pack> = {}): Pack => ({
  id: `p_${name}`, name, images: [img('i1')], logo: null, palette: ['#112233'], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z', ...extra,
});
const ok = (status: number, body: unknown): HttpResponse => ({ status, headers: {}, body: body === undefined ? '' : JSON.stringify(body) });

function setup(respond: (req: HttpRequest) => HttpResponse, rows: string[][] = [['Prompt', 'Reference pack'], ['a', ''], ['b', ''], ['c', '']]) {
  const sheet = new MemorySheet(1, 'S', rows);
  const http = stubHttp(respond);
  const s = memoryServices({ sheets: [sheet], http });
  configure(s);
  return { sheet, http, s, app: createApp(() => s) };
}

describe('packs through the backend', () => {
  it('lists packs as thumbnails-only views', () => {
    const { app } = setup(() => ok(200, { packs: [pack('Brand', { logo: img('logo') })] }));
    expect(value(app.listPacks())).toEqual([{
      id: 'p_Brand', name: 'Brand', palette: ['#112233'], brandKit: null, updatedAt: '2026-01-02T00:00:00.000Z',
      images: [{ id: 'i1', mode: 'style_only', thumbnailUrl: 'https://cdn.test/i1_t', width: 64, height: 48 }],
      logo: { id: 'logo', mode: 'style_only', thumbnailUrl: 'https://cdn.test/logo_t', width: 64, height: 48 },
    }]);
  });

  it('uploads one image as raw bytes and creates a pack from uploads as JSON', () => {
    const { app, http } = setup((req) => (req.url.endsWith('/v1/uploads')
      ? ok(201, { id: 'u_abc', width: 10, height: 20, mimeType: 'image/png', thumbnailUrl: 'https://cdn.test/u_t' })
      : ok(201, pack('New'))));
    expect(value(app.uploadPackImage({ fileName: 'a.png', mimeType: 'image/png', base64: 'iVBORw0KGgo=' }))).toEqual({ uploadId: 'u_abc', thumbnailUrl: 'https://cdn.test/u_t', width: 10, height: 20 });
    expect(http.requests[0]).toMatchObject({ method: 'post', contentType: 'image/png', payload: { base64: 'iVBORw0KGgo=' } });
    value(app.uploadPackImage({ fileName: 'b.heic', mimeType: 'image/heic', base64: 'AAAA' }));
    expect(http.requests[1]!.contentType).toBe('application/octet-stream');
    expect(value(app.createPack({ name: 'New', images: [{ uploadId: 'u_abc', mode: 'style_only' }], logoUploadId: 'u_logo' })).name).toBe('New');
    expect(http.requests[2]).toMatchObject({ url: 'https://rowshot.test/v1/packs', method: 'post', contentType: 'application/json' });
    expect(JSON.parse(http.requests[2]!.payload as string)).toEqual({ name: 'New', images: [{ uploadId: 'u_abc', mode: 'style_only' }], logoUploadId: 'u_logo' });
  });

  it('refuses an image over 10 MB before sending it, and names the file in a backend refusal', () => {
    const { app, http } = setup(() => ({ status: 415, headers: {}, body: JSON.stringify({ type: 't', title: 'x', status: 415, code: 'unsupported_media_type', detail: 'The image was not accepted: not an image', invalidFields: [{ field: 'body', message: 'not an image' }] }) }));
    const big = app.uploadPackImage({ fileName: 'huge.png', mimeType: 'image/png', base64: 'A'.repeat(14_000_000) });
    expect(!big.ok && big.error.message).toBe('huge.png is 10.0 MB: an image may be at most 10 MB');
    expect(http.requests).toHaveLength(0);
    const bad = app.uploadPackImage({ fileName: 'notes.png', mimeType: 'image/png', base64: 'AAAA' });
    expect(!bad.ok && bad.error).toEqual({ code: 'invalid_request', message: 'notes.png: The image was not accepted: not an image (body: not an image)', fields: [{ field: 'body', message: 'not an image' }] });
  });

  it('renames, reorders and changes modes with one PATCH, and deletes', () => {
    const { app, http } = setup((req) => (req.method === 'delete' ? ok(204, undefined) : ok(200, pack('Renamed'))));
    value(app.updatePack({ id: 'p 1', name: 'Renamed', order: ['i2', 'i1'], modes: { i1: 'style_and_composition' } }));
    expect(http.requests[0]).toMatchObject({ url: 'https://rowshot.test/v1/packs/p%201', method: 'patch' });
    expect(JSON.parse(http.requests[0]!.payload as string)).toEqual({ name: 'Renamed', order: ['i2', 'i1'], modes: { i1: 'style_and_composition' } });
    const badMode = app.updatePack({ id: 'p1', modes: { i1: 'sepia' as 'style_only' } });
    expect(!badMode.ok && badMode.error.code).toBe('invalid_request');
    expect(value(app.deletePack('p1'))).toEqual({ id: 'p1' });
    expect(http.requests.at(-1)).toMatchObject({ url: 'https://rowshot.test/v1/packs/p1', method: 'delete' });
  });
});

describe('packs in the sheet', () => {
  it('puts the pack name into every selected cell with one write, as text', () => {
    const { app, sheet, s } = setup(() => ok(200, {}));
    s.spreadsheet.range = { row: 2, column: 2, numRows: 3, numColumns: 1 };
    sheet.resetCalls();
    expect(value(app.insertPackName('+Brand'))).toEqual({ cells: 3 });
    expect(sheet.calls.write).toBe(1);
    expect([sheet.value(2, 2), sheet.value(3, 2), sheet.value(4, 2)]).toEqual(['+Brand', '+Brand', '+Brand']);
    expect(sheet.formula(2, 2)).toBe('');
    s.spreadsheet.range = null;
    expect(app.insertPackName('Brand')).toEqual({ ok: false, error: { code: 'invalid_request', message: 'Select the cells to fill with the pack name first.' } });
  });

  it('puts a dropdown of pack names on the Reference pack column data rows', () => {
    const { app, sheet } = setup(() => ok(200, { packs: [pack('Zebra'), pack('Autumn')] }));
    expect(value(app.applyPackDropdown())).toEqual({ rows: 3, packs: 2 });
    expect(sheet.validations).toEqual([{ row: 2, column: 2, numRows: 3, values: ['Autumn', 'Zebra'] }]);
  });

  it('says when there is no Reference pack column or no pack', () => {
    const noColumn = setup(() => ok(200, { packs: [pack('A')] }), [['Prompt'], ['a']]);
    const r = noColumn.app.applyPackDropdown();
    expect(!r.ok && r.error.message).toBe('Sheet "S" has no Reference pack column: add one to the header row (row 1) first.');
    const noPacks = setup(() => ok(200, { packs: [] }));
    const p = noPacks.app.applyPackDropdown();
    expect(!p.ok && p.error.message).toBe('There are no reference packs yet: create one first.');
  });
});
