// A CSV is read in the encoding it was saved in and written back in it, or refused: a file that
// was not read faithfully is never rewritten.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvSheet } from '../../../../../backend/src/adapters/local/workbook/csv-file';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { tempDir } from './fixtures/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const TEXT = 'Name,Prompt\r\nJosé,A café in Zürich — 東京 🌸\r\n';
const le = (s: string) => Buffer.from(s, 'utf16le');
const be = (s: string) => Buffer.from(s, 'utf16le').swap16();
const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('CSV encodings', () => {
  const cases: [string, Buffer, Buffer, (s: string) => Buffer][] = [
    ['UTF-16 LE with BOM', Buffer.from([0xff, 0xfe]), le(TEXT), le],
    ['UTF-16 LE without BOM', Buffer.alloc(0), le(TEXT), le],
    ['UTF-16 BE with BOM', Buffer.from([0xfe, 0xff]), be(TEXT), be],
    ['UTF-16 BE without BOM', Buffer.alloc(0), be(TEXT), be],
    ['UTF-8 with BOM', Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT), utf8],
    ['UTF-8 without BOM', Buffer.alloc(0), Buffer.from(TEXT), utf8],
  ];
  for (const [name, bom, body, encode] of cases) {
    it(`reads ${name} faithfully and writes it back in the same encoding`, async () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.csv`);
      const bytes = Buffer.concat([bom, body]);
      await writeFile(file, bytes);
      const table = await readWorkbook(file);
      expect(table.headers).toEqual(['Name', 'Prompt']);
      expect(table.rows[0]!.cells).toEqual({ Name: 'José', Prompt: 'A café in Zürich — 東京 🌸' });
      expect(table.note).toBeUndefined();
      // An unchanged sheet serialises to the very same bytes.
      expect(await new CsvSheet(bytes).serialize()).toEqual(bytes);

      const prepared = await ensureRowIds(file);
      const written = await readFile(file);
      expect(written.subarray(0, bom.length)).toEqual(bom);
      const again = await readWorkbook(file);
      expect(again.rows[0]!.cells.Prompt).toBe('A café in Zürich — 東京 🌸');
      expect(again.rows[0]!.cells['Row ID']).toBe(prepared.rows[0]!.rowId);
      // The original fields are still there, byte for byte, in the same encoding.
      expect(written.includes(encode('Name,Prompt,'))).toBe(true);
      expect(written.includes(encode('José,A café in Zürich — 東京 🌸,'))).toBe(true);
    });
  }

  it('reads Windows-1252 as a fallback and says so in a note', async () => {
    const file = path.join(dir, 'ansi.csv');
    await writeFile(file, Buffer.from('Name,Prompt\r\nJos\xe9,caf\xe9 \x80 5\r\n', 'latin1'));
    const table = await readWorkbook(file);
    expect(table.rows[0]!.cells).toEqual({ Name: 'José', Prompt: 'café € 5' });
    expect(table.note).toMatch(/^is not UTF-8, so it was read as Windows-1252/);
  });

  it('refuses, without touching the file, a 0-byte file, a UTF-16 file cut mid-character and a binary file', async () => {
    const refusals: [string, Buffer, RegExp][] = [
      ['empty.csv', Buffer.alloc(0), /^"empty\.csv" is empty \(0 bytes\); add a header row with a Prompt column/],
      ['cut.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), le('Prompt\r\nA fox'), Buffer.from([0x41])]), /^"cut\.csv" is not valid UTF-16 LE \(it may be truncated or saved in another encoding\); save it as "CSV UTF-8"/],
      ['binary.csv', Buffer.from([0x50, 0x72, 0x00, 0x00, 0x6f, 0x6d, 0x00, 0x00, 0x70, 0x74]), /^"binary\.csv" holds NUL characters/],
    ];
    for (const [name, bytes, message] of refusals) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      await expect(readWorkbook(file)).rejects.toThrow(message);
      await expect(ensureRowIds(file)).rejects.toThrow(message);
      expect(await readFile(file)).toEqual(bytes);
    }
  });
});
