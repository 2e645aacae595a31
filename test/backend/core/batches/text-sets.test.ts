// One headline size per set, measured from the output pixels: every size of a row and every row
// of the batch get the same headline size (as a share of the short side), a row that can only
// fit much smaller is shrunk alone and says so in its notes, and `textFit: "row"` fits each
// image on its own again.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../../shared/index';
import { DARK_TEXT, LIGHT_TEXT } from '../../../../backend/src/render/contrast';
import { parseHex } from '../../../../backend/src/render/color';
import { sharedShare } from '../../../../backend/src/core/batches/text-sets';
import { rows, startTestServer, type TestServer } from '../../../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/**
 * The height of the first line of text ink over the image's short side. Every headline starts
 * with "Holly" (cap H, ascender l, descender y), so that line's ink height is proportional to
 * the font size whatever follows.
 */
async function firstLineShare(url: string): Promise<number> {
  const res = await fetch(new URL(url, s.url));
  const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = [LIGHT_TEXT, DARK_TEXT].map((h) => parseHex(h)!);
  const isText = (i: number): boolean =>
    colours.some((c) => Math.abs((data[i] ?? 0) - c.r) + Math.abs((data[i + 1] ?? 0) - c.g) + Math.abs((data[i + 2] ?? 0) - c.b) <= 6);
  let top = -1;
  for (let y = 0; y < info.height; y++) {
    let n = 0;
    for (let x = 0; x < info.width; x++) if (isText((y * info.width + x) * info.channels)) n++;
    if (n > 0 && top < 0) top = y;
    if (n === 0 && top >= 0) return (y - top) / Math.min(info.width, info.height);
  }
  throw new Error('no text found');
}

const longHeadline = `Holly ${'and the whole regional operations team thanks you for years of patient work '.repeat(3)}`.trim();

async function run(textFit: 'set' | 'row' | undefined) {
  const headlines = ['Holly Kim', 'Holly Watanabe, welcome aboard', longHeadline];
  const sizes = ['1:1, 9:16', '1:1, 9:16', '1:1'];
  const res = await s.api('/v1/batches', {
    method: 'POST',
    json: {
      rows: rows(3, (i) => ({ Prompt: 'warm congratulations', Headline: headlines[i] ?? '', Size: sizes[i] ?? '', Model: 'template' })),
      ...(textFit ? { textFit } : {}),
    },
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const status = await s.waitForBatch(id, 60_000);
  expect(status.counts.DONE).toBe(3);
  const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
  const byIndex = [...page.rows].sort((a, b) => a.index - b.index);
  const shares = await Promise.all(byIndex.map((r) => Promise.all([...r.images].sort((a, b) => a.aspectRatio.localeCompare(b.aspectRatio)).map((img) => firstLineShare(img.url)))));
  return { shares, notes: byIndex.map((r) => r.notes) };
}

describe('one headline size per set', () => {
  it('gives every size of a row and every row of the batch the same headline size; an outlier is shrunk and flagged', async () => {
    const { shares, notes } = await run(undefined);
    const [kim, watanabe, long] = shares;
    const common = [...kim!, ...watanabe!];
    expect(common).toHaveLength(4);
    // Within about 2 px on a 576 px short side (antialiasing and px rounding).
    for (const share of common) expect(Math.abs(share - common[0]!)).toBeLessThan(2.5 / 576);
    expect(long![0]!).toBeLessThan(common[0]! * 0.8);
    expect(notes[2]!.some((n) => /^headline set at \d+ px in 1080x1080, under the set's \d+ px, to fit$/.test(n))).toBe(true);
    expect([...notes[0]!, ...notes[1]!].some((n) => n.includes("under the set's"))).toBe(false);
  }, 120_000);

  it('fits each image on its own with textFit "row"', async () => {
    const { shares, notes } = await run('row');
    const [kim] = shares;
    // Alone, the tall 9:16 sets "Holly Kim" larger for its short side than the square does.
    expect(kim![1]! - kim![0]!).toBeGreaterThan(10 / 576);
    expect(notes.flat().some((n) => n.includes("under the set's"))).toBe(false);
  }, 120_000);

  it('leaves outliers out of the common size', () => {
    expect(sharedShare([0.1, 0.11, 0.12])).toBe(0.1);
    expect(sharedShare([0.03, 0.1, 0.11, 0.12])).toBe(0.1);
    expect(sharedShare([])).toBeNull();
  });
});
