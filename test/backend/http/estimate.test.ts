import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('POST /v1/estimate', () => {
  it('prices each row from the shared price table; template is free', async () => {
    const res = await s.api('/v1/estimate', {
      method: 'POST',
      json: { rows: [
        { rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-3.1-flash-image', 'Aspect ratios': '1:1, 9:16', Variants: 2 } },
        { rowId: 'b', cells: { Prompt: 'x', Model: 'template' } },
        { rowId: 'c', cells: { Prompt: '' } },
      ] },
    });
    expect(res.status).toBe(200);
    const e = (await res.json()) as { totalUsd: number; rows: { rowId: string; costUsd: number; invalid?: string }[] };
    expect(e.totalUsd).toBeCloseTo(0.268, 6);
    expect(e.rows.map((r) => r.costUsd)).toEqual([0.268, 0, 0]);
    expect(e.rows[2]?.invalid).toBe('Prompt is empty');
  });
});

describe('POST /v1/estimate flags rows this server cannot make', () => {
  it('names a pack the tenant does not have and a model it does not run, per row, and keeps them priced', async () => {
    const f = new FormData();
    f.set('name', 'Spring Kit');
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2040d0' } }).png().toBuffer();
    f.append('images', new Blob([new Uint8Array(png)]), 'a.png');
    const pack = (await (await s.api('/v1/packs', { method: 'POST', body: f })).json()) as { id: string };
    const res = await s.api('/v1/estimate', {
      method: 'POST',
      json: { rows: [
        { rowId: 'known', cells: { Prompt: 'x', Model: 'template', 'Reference pack': ' spring kit ' } },
        { rowId: 'by-id', cells: { Prompt: 'x', Model: 'template', 'Reference pack': pack.id } },
        { rowId: 'no-pack', cells: { Prompt: 'x', Model: 'template', 'Reference pack': 'Autumn Kit' } },
        { rowId: 'no-model', cells: { Prompt: 'x', Model: 'gemini-3-pro-image' } },
      ] },
    });
    expect(res.status).toBe(200);
    const e = (await res.json()) as { totalUsd: number; flaggedRows: number; rows: { rowId: string; costUsd: number; flag?: string }[] };
    expect(e.rows.map((r) => [r.rowId, r.flag])).toEqual([
      ['known', undefined],
      ['by-id', undefined],
      ['no-pack', 'Reference pack "Autumn Kit" was not found'],
      ['no-model', 'Model "gemini-3-pro-image" is not available on this server; it runs template'],
    ]);
    expect(e.flaggedRows).toBe(2);
    expect(e.totalUsd).toBeCloseTo(0.134, 6);
  });
});
