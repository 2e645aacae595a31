// Custom functions run in the bundle as Sheets runs them (no writes, no Ui allowed): costs come
// from the shared price table, placeholders are filled as a run fills them, and a bad argument
// answers a message in the cell instead of throwing (a throw shows #ERROR!).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pricePerImage } from '../../../shared/index';
import { startAddon, type RunningAddon } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
let addon: RunningAddon;
beforeAll(async () => {
  built = builtAddon();
  addon = startAddon(built, 0);
});
afterAll(() => built.remove());

describe('ROWSHOT_COST', () => {
  it('prices a range of prompts from the shared price table, blank cells free', () => {
    const flash = pricePerImage('gemini-3.1-flash-image') ?? NaN;
    const pro = pricePerImage('gemini-3-pro-image') ?? NaN;
    expect(addon.g.ROWSHOT_COST([['a cat'], ['a dog'], [''], ['a bird']])).toBeCloseTo(3 * flash, 9);
    expect(addon.g.ROWSHOT_COST([['a cat'], ['a dog']], '', 3, 'gemini-3-pro-image')).toBeCloseTo(6 * pro, 9);
    expect(addon.g.ROWSHOT_COST([['a cat'], ['a dog']], '', [[1], [4]])).toBeCloseTo(5 * flash, 9);
    // Sizes count like variants: two sizes on one row are two images.
    expect(addon.g.ROWSHOT_COST([['a cat'], ['a dog']], [['1:1, 9:16'], ['1:1']])).toBeCloseTo(3 * flash, 9);
  });

  it('answers an error message, not a throw, for an unknown model or bad variants', () => {
    expect(addon.g.ROWSHOT_COST('a cat', '1:1', 1, 'dall-e')).toMatch(/^ROWSHOT_COST: unknown model 'dall-e'/);
    expect(addon.g.ROWSHOT_COST('a cat', '1:1', 9)).toMatch(/^ROWSHOT_COST: prompt 1: Variants must be a whole number from 1 to \d+/);
    expect(addon.g.ROWSHOT_COST('a cat', 'Instagram pst')).toMatch(/^ROWSHOT_COST: prompt 1: Size "Instagram pst" is not a known size \(did you mean "Instagram post"\?/);
  });
});

describe('ROWSHOT_PROMPT', () => {
  it('fills {{Column}} placeholders from the row, matching headers as runs do', () => {
    const out = addon.g.ROWSHOT_PROMPT('A {{product}} on a {{ Background }} background, {{Size}} cm', [['Product', 'Background', 'Size']], [['red apple', 'white', 12.5]]);
    expect(out).toBe('A red apple on a white background, 12.5 cm');
  });

  it('gives one prompt per row for several rows of values', () => {
    const out = addon.g.ROWSHOT_PROMPT('{{Product}}!', [['Product']], [['pear'], ['plum']]);
    expect(JSON.parse(JSON.stringify(out))).toEqual([['pear!'], ['plum!']]);
  });

  it('names a placeholder with no column, as a message in the cell', () => {
    expect(addon.g.ROWSHOT_PROMPT('A {{Colour}} car', [['Product']], [['car']])).toBe('ROWSHOT_PROMPT: no column named {{Colour}} in headers');
  });
});

describe('custom functions and Apps Script limits', () => {
  it('touch neither the spreadsheet nor the network (Sheets recalculates them often)', () => {
    addon.fake.calls.reset();
    const before = addon.fake.http.requests.length;
    addon.g.ROWSHOT_COST([['a'], ['b']]);
    addon.g.ROWSHOT_PROMPT('{{A}}', [['A']], [['x']]);
    expect(addon.fake.calls.total).toBe(0);
    expect(addon.fake.http.requests.length).toBe(before);
  });
});
