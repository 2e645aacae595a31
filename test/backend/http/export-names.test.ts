// The zip export names images by the batch's fileNameTemplate: cells and size/variant filled in,
// unsafe characters made safe, collisions suffixed, in row order.
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('fileNameTemplate', () => {
  it('names every image of the zip from the template, safely and uniquely', async () => {
    const cells = (name: string, sizes: string) => ({ Name: name, Prompt: 'A mug', Model: 'template', 'Aspect ratios': sizes });
    const res = await s.api('/v1/batches', { method: 'POST', json: {
      fileNameTemplate: '{{Name}}-{{size}}-v{{variant}}',
      rows: [
        { rowId: 'a', cells: cells('Mug', '1:1, 16:9') },
        { rowId: 'b', cells: cells('mug', '1:1') },
        { rowId: 'c', cells: cells('../../evil:name\u0000', '1:1') },
        { rowId: 'd', cells: cells('z'.repeat(300), '1:1') },
      ],
    } });
    expect(res.status).toBe(202);
    const { id } = await json<{ id: string }>(res);
    expect((await s.waitForBatch(id)).counts.DONE).toBe(4);
    const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
    const images = Object.keys(zip).filter((n) => n.startsWith('images/'));
    expect(images).toEqual([
      'images/Mug-1080x1080-v1.png', 'images/Mug-1080x608-v1.png', 'images/mug-1080x1080-v1-2.png', 'images/evil-name-1080x1080-v1.png', `images/${'z'.repeat(200)}.png`,
    ]);
    expect(Object.keys(zip)).toContain('results.csv');
  });

  it('is refused when empty or over 200 characters', async () => {
    const res = await s.api('/v1/batches', { method: 'POST', json: { fileNameTemplate: 'x'.repeat(201), rows: [{ rowId: 'a', cells: { Prompt: 'x' } }] } });
    expect(res.status).toBe(400);
    expect((await json<{ invalidFields: { field: string }[] }>(res)).invalidFields.map((f) => f.field)).toEqual(['fileNameTemplate']);
  });
});
