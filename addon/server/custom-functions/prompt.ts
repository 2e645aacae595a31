// =ROWSHOT_PROMPT(template, headers, values): the template with {{Column}} filled from the
// values under those headers, exactly as a run fills it. Several rows of values give a column
// of prompts.
import { fillTemplate } from '../../../shared/index';
import { argText, cellsOf, rowsOf } from './args';

/** `timeZone`: the spreadsheet's, asked only when a date cell is filled in. */
export function rowshotPrompt(timeZone: () => string, template: unknown, headers: unknown, values: unknown): string | string[][] {
  const text = argText(cellsOf(template)[0] ?? '', timeZone);
  const names = cellsOf(headers).map((h) => argText(h, timeZone).trim());
  if (names.every((n) => n === '')) return 'ROWSHOT_PROMPT: give the header cells, e.g. =ROWSHOT_PROMPT(A2, B1:E1, B2:E2)';
  let rows = rowsOf(values);
  // One column of values beside a column of headers: one record.
  if (rows.length === names.length && rows.every((r) => r.length === 1) && names.length > 1) rows = [rows.map((r) => r[0])];
  if (rows.length === 0) rows = [names.map(() => '')];
  const bad = rows.find((r) => r.length !== names.length);
  if (bad) return `ROWSHOT_PROMPT: headers has ${names.length} cells but a row of values has ${bad.length}: give values in the same columns as the headers`;
  const filled = rows.map((row) => {
    const record: Record<string, string> = {};
    names.forEach((name, i) => {
      if (name !== '' && !(name in record)) record[name] = argText(row[i] ?? '', timeZone);
    });
    const result = fillTemplate(text, record);
    return result.ok ? result.text : `ROWSHOT_PROMPT: no column named ${result.missing.map((m) => `{{${m}}}`).join(', ')} in headers`;
  });
  return filled.length === 1 ? (filled[0] ?? '') : filled.map((p) => [p]);
}
