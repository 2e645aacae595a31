// Typing into the harness's sheet, as the playground grid does: cells stored as Sheets stores
// typed input, and the built add-on's custom functions recalculated (as custom-function
// executions) when their inputs change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddonHarness } from '../../../../addon/dev/harness/index';
import { pricePerImage } from '../../../../shared/index';
import { builtAddon } from '../../../helpers/built-addon';

let harness: AddonHarness;
const flash = pricePerImage('gemini-3.1-flash-image') ?? NaN;

beforeAll(async () => {
  harness = await AddonHarness.start({ sheet: [['Name', 'Prompt', 'Sizes'], ['Ann', 'a fox', '1:1'], ['=ROWSHOT_COST(B2:B4, C2:C4)', '', '']], addonDir: builtAddon().dir });
});
afterAll(() => harness.close());

describe('harness edits', () => {
  it('computes custom functions on open and again when a cell they read changes', async () => {
    expect((await harness.sheet()).values[2]?.[0]).toBeCloseTo(flash, 9);
    // A new prompt with two sizes, typed into the range the formula reads (the grid grows a row).
    const after = await harness.edit(4, 2, [['an owl', '1:1, 9:16']]);
    expect(after.values[2]?.[0]).toBeCloseTo(3 * flash, 9);
    expect(after.values[3]).toEqual(['', 'an owl', '1:1, 9:16']);
    // A formula typed in: its result shows, its text is kept.
    const typed = await harness.edit(5, 1, [['=ROWSHOT_PROMPT("A card for {{Name}}", A1, A2)'], ['=ROWSHOT_STATUS("b_nope")']]);
    expect(typed.values[4]?.[0]).toBe('A card for Ann');
    expect(typed.formulas[4]?.[0]).toBe('=ROWSHOT_PROMPT("A card for {{Name}}", A1, A2)');
    expect(typed.values[5]?.[0]).toBe("ROWSHOT_STATUS: no run 'b_nope' in this spreadsheet (it knows the runs started from its Rowshot sidebar or schedules)");
    const renamed = await harness.edit(2, 1, [['Bea']]);
    expect(renamed.values[4]?.[0]).toBe('A card for Bea');
    // Typed input is stored as Sheets stores it: "'0012" stays text, "0012" becomes a number.
    const typedValues = await harness.edit(2, 4, [["'0012", '0012', 'true']]);
    expect(typedValues.values[1]?.slice(3)).toEqual(['0012', 12, true]);
  });

  it('refuses a bad edit over HTTP, naming every bad field', async () => {
    const res = await fetch(`${harness.url}/api/edit`, { method: 'POST', body: JSON.stringify({ row: 0, column: 'A', values: [[{}]] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'row: a whole number from 1 to 100000; column: a whole number from 1 to 100000; values: rows of cells (text, numbers or true/false), at least one row' });
    const ok = await fetch(`${harness.url}/api/edit`, { method: 'POST', body: JSON.stringify({ row: 7, column: 1, values: [['x\ty']] }) });
    expect(((await ok.json()) as { values: unknown[][] }).values[6]?.[0]).toBe('x\ty');
  });
});
