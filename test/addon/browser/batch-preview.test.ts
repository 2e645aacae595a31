// Preview in the Batch sidebar, in Chromium against the built add-on and a real backend: a
// template row is made at once and shown in all its sizes; a paid row shows its price first and
// is made only after "Make preview". No batch is made and the sheet is not written.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { batchCount, openBatch } from './batch-page';
import { pricePerImage } from '../../../shared/index';
import { GatedProvider, PAID_MODEL } from './gated-provider';

const ONE = `$${(pricePerImage(PAID_MODEL) ?? NaN).toFixed(3)}`;
import { launchChromium, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack | null = null;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
});
afterEach(async () => {
  await stack?.close();
  stack = null;
});
afterAll(async () => {
  await browser?.close();
  await addon?.remove();
});

describe('Batch sidebar Preview', () => {
  it('shows the first valid row in all its sizes for free, and asks before a paid row', async () => {
    const model = new GatedProvider();
    const grid = [
      ['Prompt', 'Sizes', 'Model', 'Headline'],
      ['', '1:1', 'template', ''],
      ['A lighthouse at dusk', '1:1, 9:16', 'template', 'Open late'],
      ['A red kite over the sea', '4:5', PAID_MODEL, ''],
    ];
    stack = await startStack(addon, grid, { overrides: { providers: [model] } });
    const { page, errors } = await openBatch(browser, stack, 3);

    await page.click('#preview');
    const images = page.locator('#preview-images img');
    await expect.poll(() => images.count(), { timeout: 20_000 }).toBe(2);
    expect(await page.textContent('#preview-text')).toBe('Row 3: 2 images (template, free)');
    expect(await page.locator('#preview-images .muted').allTextContents()).toEqual(['1:1 · v1', '9:16 · v1']);
    // The thumbnails load from their capability links; each opens full size.
    await expect.poll(() => images.evaluateAll((els) => els.every((e) => (e as unknown as { naturalWidth: number }).naturalWidth > 0)), { timeout: 10_000 }).toBe(true);
    const full = await page.locator('#preview-images a').first().getAttribute('href');
    expect((await fetch(full ?? '')).headers.get('content-type')).toBe('image/png');
    await screenshot(page, 'batch-preview-template');

    // The paid row (selected): its price first, nothing made until confirmed.
    await stack.harness.select([4]);
    await page.click('#refresh');
    await expect.poll(() => page.textContent('#count-selected')).toBe('1');
    await page.check('input[name=scope][value=selected]');
    await page.click('#preview');
    await expect.poll(() => page.isVisible('#preview-confirm')).toBe(true);
    expect(await page.textContent('#preview-confirm-text')).toBe(`A preview of row 4 makes 1 image and costs ${ONE}. Make it?`);
    expect(model.prompts).toEqual([]);
    await page.click('#preview-make');
    await expect.poll(() => page.textContent('#preview-text'), { timeout: 20_000 }).toBe(`Row 4: 1 image (${model.name}, ${ONE})`);
    expect(model.prompts).toEqual(['A red kite over the sea']);
    expect(await page.isVisible('#preview-confirm')).toBe(false);

    // No batch, and the sheet is as it was: no Row IDs, no output columns.
    expect(await batchCount(stack)).toBe(0);
    expect((await stack.harness.sheet()).values).toEqual(grid);
    expect(errors).toEqual([]);
  });
});
