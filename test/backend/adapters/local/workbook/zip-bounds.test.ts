// A decompression bomb is refused from the zip directory, before anything is inflated.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { assertZipWithinBounds } from '../../../../../backend/src/adapters/local/workbook/zip-bounds';
import { campaignXlsx } from '../../../../../examples/make-workbooks';
import { tempDir } from './fixtures/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('xlsx zip bounds', () => {
  it('refuses a part that inflates far past its packed size, naming it, and leaves the file alone', async () => {
    // 64 MiB of zeros packs to about 64 KiB: a ratio of ~1,000.
    const bomb = Buffer.from(zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 }));
    const file = path.join(dir, 'bomb.xlsx');
    await writeFile(file, bomb);
    await expect(readWorkbook(file)).rejects.toThrow(/^"bomb\.xlsx" is too large to read safely: part "xl\/worksheets\/sheet1\.xml" unpacks \d+× its packed size \(a zip bomb\?\); split it/);
    await expect(ensureRowIds(file)).rejects.toThrow(/too large to read safely/);
    expect(await readFile(file)).toEqual(bomb);
  });

  it('bounds the number of parts and the unpacked total', () => {
    const many = Buffer.from(zipSync(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}.xml`, new Uint8Array(10)]))));
    expect(() => assertZipWithinBounds(many, { maxEntries: 10, maxTotalBytes: 1e9, maxRatio: 200 })).toThrow('is too large to read safely: 12 parts (the limit is 10)');
    const big = Buffer.from(zipSync({ 'a.bin': new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) & 255) }, { level: 0 }));
    expect(() => assertZipWithinBounds(big, { maxEntries: 10, maxTotalBytes: 2 * 1024 * 1024, maxRatio: 200 })).toThrow('is too large to read safely: more than 2 MB when unpacked');
  });

  it('refuses a truncated workbook in one line, and reads a real one', async () => {
    const real = await campaignXlsx();
    expect(() => assertZipWithinBounds(real)).not.toThrow();
    const file = path.join(dir, 'cut.xlsx');
    await writeFile(file, real.subarray(0, Math.floor(real.length / 2)));
    await expect(readWorkbook(file)).rejects.toThrow(/^"cut\.xlsx" is not a complete \.xlsx workbook \(it may be truncated or still being saved\)$/);
  });
});
