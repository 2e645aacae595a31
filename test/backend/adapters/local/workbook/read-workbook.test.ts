import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvText } from '../../../../../backend/src/adapters/local/workbook/csv-file';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { addressableHeaders, WorkbookError } from '../../../../../backend/src/adapters/local/workbook/workbook';
import { mapHeaders } from '../../../../../shared/index';
import { tempDir } from './fixtures/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('readWorkbook: CSV', () => {
  it('reads a BOM + CRLF file with quoted commas, quotes and line breaks, ragged and blank rows', async () => {
    const file = path.join(dir, 'people.csv');
    const text =
      '\ufeffName,Prompt,Team\r\n' +
      'Ada,"Card for Ada, with ""quotes""",Ops\r\n' +
      '\r\n' + // blank row: skipped, but still counts as a sheet row
      'Bob,"line one\r\nline two",Sales\r\n' +
      'Cy\r\n' + // short row
      ',,\r\n' + // only delimiters: empty
      'Di,x,Eng,extra\r\n'; // longer than the header
    await writeFile(file, text);
    const table = await readWorkbook(file);
    expect(table.format).toBe('csv');
    expect(table.headers).toEqual(['Name', 'Prompt', 'Team', 'Column D']);
    expect(table.rows).toEqual([
      { rowNumber: 2, cells: { Name: 'Ada', Prompt: 'Card for Ada, with "quotes"', Team: 'Ops', 'Column D': '' } },
      { rowNumber: 4, cells: { Name: 'Bob', Prompt: 'line one\r\nline two', Team: 'Sales', 'Column D': '' } },
      { rowNumber: 5, cells: { Name: 'Cy', Prompt: '', Team: '', 'Column D': '' } },
      { rowNumber: 7, cells: { Name: 'Di', Prompt: 'x', Team: 'Eng', 'Column D': 'extra' } },
    ]);
  });

  it('reads LF files and keeps every value a string (no number or date guessing)', async () => {
    const file = path.join(dir, 'lf.csv');
    await writeFile(file, 'Years,Start,Flag\n007,2024-05-01,TRUE\n');
    const table = await readWorkbook(file);
    expect(table.rows).toEqual([{ rowNumber: 2, cells: { Years: '007', Start: '2024-05-01', Flag: 'TRUE' } }]);
  });

  it('reads a semicolon-separated export (European Excel)', async () => {
    const file = path.join(dir, 'semi.csv');
    await writeFile(file, 'Name;Prompt\r\nAda;"a; b, c"\r\n');
    const table = await readWorkbook(file);
    expect(table.rows[0]!.cells).toEqual({ Name: 'Ada', Prompt: 'a; b, c' });
  });

  it('reads a Windows-1252 export (not UTF-8) with the right characters', async () => {
    const file = path.join(dir, 'ansi.csv');
    // "José", "’" (0x92) and "€" (0x80) as Excel writes them in "CSV (Comma delimited)".
    await writeFile(file, Buffer.concat([Buffer.from('Name,Note\r\nJos', 'latin1'), Buffer.from([0xe9]), Buffer.from(',it', 'latin1'), Buffer.from([0x92]), Buffer.from('s 5', 'latin1'), Buffer.from([0x80]), Buffer.from('\r\n')]));
    const table = await readWorkbook(file);
    expect(table.rows[0]!.cells).toEqual({ Name: 'José', Note: 'it’s 5€' });
  });

  it('makes duplicate and blank headers addressable', async () => {
    const file = path.join(dir, 'dupes.csv');
    await writeFile(file, 'Name,name,,NAME,Name (2)\r\na,b,c,d,e\r\n');
    const table = await readWorkbook(file);
    // The literal "Name (2)" keeps its name; generated names skip it.
    expect(table.headers).toEqual(['Name', 'name (3)', 'Column C', 'NAME (4)', 'Name (2)']);
    expect(table.rows[0]!.cells).toEqual({ Name: 'a', 'name (3)': 'b', 'Column C': 'c', 'NAME (4)': 'd', 'Name (2)': 'e' });
    // Every name is unique the way the convention compares headers.
    expect(new Set(Object.values(mapHeaders(table.headers))).size).toBe(Object.values(mapHeaders(table.headers)).length);
    expect(addressableHeaders([' Prompt ', '-', ''])).toEqual(['Prompt', 'Column B', 'Column C']);
  });

  it('parses like csv-parse on awkward but valid input', () => {
    const cases = [
      'a,b,c\r\n1,"2,3",4\r\n',
      'a,"b\nc"\n"",x\n',
      'x\r\n\r\ny,"z""z"\r\n',
      '"only one field"',
      'a,b\n,\n,,,\n',
      '"é ü, 漢字","😀"\r\n',
    ];
    // Pseudo-random fields built from the characters that matter.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = ['a', ' ', ',', '"', '\n', '\r\n', 'é', '='];
    for (let c = 0; c < 40; c++) {
      const rows: string[] = [];
      for (let r = 0; r < 1 + rand(5); r++) {
        const fields: string[] = [];
        for (let f = 0; f < 1 + rand(4); f++) {
          let v = '';
          for (let k = 0; k < rand(6); k++) v += alphabet[rand(alphabet.length)];
          fields.push(/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
        }
        rows.push(fields.join(','));
      }
      cases.push(rows.join(rand(2) ? '\r\n' : '\n') + (rand(2) ? '\n' : ''));
    }
    for (const text of cases) {
      const ours = parseCsvText(text).map((r) => r.values);
      const theirs = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
      expect(ours, JSON.stringify(text)).toEqual(theirs);
      // Raw spans put back together give the file exactly.
      expect(parseCsvText(text).map((r) => r.raws.join(',') + r.term).join('')).toBe(text);
    }
  });

  it('refuses an unclosed quote instead of swallowing the rest of the file', async () => {
    const file = path.join(dir, 'broken.csv');
    await writeFile(file, 'Name,Prompt\r\nAda,"never closed\r\nBob,x\r\n');
    await expect(readWorkbook(file)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining('"broken.csv" has a quoted field that is never closed') });
  });

  it('explains unsupported extensions and missing files', async () => {
    await expect(readWorkbook(path.join(dir, 'old.xls'))).rejects.toThrow('"old.xls" is not a .csv or .xlsx file (save it as .xlsx)');
    const missing = readWorkbook(path.join(dir, 'nope.csv'));
    await expect(missing).rejects.toBeInstanceOf(WorkbookError);
    await expect(missing).rejects.toThrow('"nope.csv" was not found');
  });
});

describe('readWorkbook: XLSX', () => {
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, 'values.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Cover').getCell('A1').value = 'not this one';
    const ws = wb.addWorksheet('Data');
    ws.addRow(['Name', 'Rich', 'Formula', 'Date', 'When', 'Link', 'Num', 'Bool', 'Err', 'Name']);
    ws.addRow([
      'Ada',
      { richText: [{ text: 'bold ' , font: { bold: true } }, { text: 'plain' }] },
      { formula: 'LEN(A2)', result: 3 },
      new Date(Date.UTC(2024, 4, 1)),
      new Date(Date.UTC(2024, 4, 1, 9, 30)),
      { text: 'site', hyperlink: 'https://example.com' },
      4.5,
      true,
      { error: '#N/A' },
      'second name',
    ]);
    ws.addRow([]);
    ws.addRow([null, null, { formula: 'A2&"!"', result: 'Ada!' }]);
    ws.mergeCells('A5:B5');
    ws.getCell('A5').value = 'merged';
    await wb.xlsx.writeFile(file);
  });

  it('reads plain values: rich text, cached formula results, ISO dates, hyperlink text', async () => {
    const table = await readWorkbook(file, { sheet: 'Data' });
    expect(table.sheet).toBe('Data');
    expect(table.headers).toEqual(['Name', 'Rich', 'Formula', 'Date', 'When', 'Link', 'Num', 'Bool', 'Err', 'Name (2)']);
    expect(table.rows[0]).toEqual({
      rowNumber: 2,
      cells: {
        Name: 'Ada', Rich: 'bold plain', Formula: 3, Date: '2024-05-01', When: '2024-05-01T09:30:00.000Z',
        Link: 'site', Num: 4.5, Bool: true, Err: '#N/A', 'Name (2)': 'second name',
      },
    });
    // Row 3 is empty and skipped; the merged cell's hidden half reads as empty.
    expect(table.rows.map((r) => r.rowNumber)).toEqual([2, 4, 5]);
    expect(table.rows[1]!.cells.Formula).toBe('Ada!');
    expect(table.rows[2]!.cells).toMatchObject({ Name: 'merged', Rich: null });
  });

  it('uses the first sheet by default, matches sheet names ignoring case, and lists sheets when one is missing', async () => {
    expect((await readWorkbook(file)).sheet).toBe('Cover');
    expect((await readWorkbook(file, { sheet: 'data' })).sheet).toBe('Data');
    await expect(readWorkbook(file, { sheet: 'Results' })).rejects.toThrow('"values.xlsx" has no sheet named "Results"; its sheets are "Cover", "Data"');
  });

  it('refuses a file that is not a workbook', async () => {
    const bad = path.join(dir, 'fake.xlsx');
    await writeFile(bad, 'Name,Prompt\n');
    await expect(readWorkbook(bad)).rejects.toMatchObject({ code: 'corrupt', kind: 'permanent' });
  });
});
