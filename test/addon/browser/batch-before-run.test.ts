// What the Batch sidebar settles before a run, in Chromium against the built add-on and a real
// backend: a run priced above the user's threshold waits for an inline confirmation (saying
// no sends nothing), and a prompt column with an unusual header is mapped, saved and used.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { batchCount, openBatch } from './batch-page';
import { pricePerImage } from '../../../shared/index';
import { GatedProvider, PAID_MODEL } from './gated-provider';

const THREE = `$${(3 * (pricePerImage(PAID_MODEL) ?? NaN)).toFixed(3)}`;
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
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

describe('Batch sidebar before a run', () => {
  it('asks to confirm a run above the threshold set in Settings; Cancel sends nothing, Run anyway starts one batch', async () => {
    // The Model column names a priced model (its list price an image), served by a stand-in.
    const model = new GatedProvider();
    stack = await startStack(addon, [
      ['Prompt', 'Model'],
      ['A red kite over the sea', PAID_MODEL], ['A green kite over a field', PAID_MODEL], ['A blue kite over a town', PAID_MODEL],
    ], { overrides: { providers: [model] } });

    const settings = await openSidebar(browser, stack.harness, 'Settings');
    await expect.poll(() => settings.page.inputValue('#confirmAboveUsd')).toBe('5');
    await settings.page.fill('#confirmAboveUsd', '0.01');
    await settings.page.click('#save');
    await expect.poll(() => settings.page.textContent('#banner')).toBe('Settings saved.');
    expect(settings.errors).toEqual([]);
    await settings.page.close();

    const { page, errors } = await openBatch(browser, stack, 3);
    const starts: { confirmed?: boolean }[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/rpc/startRun')) starts.push((req.postDataJSON() as { args: [{ confirmed?: boolean }] }).args[0]);
    });
    const confirm = page.locator('#confirm');
    await page.click('#run');
    await confirm.waitFor();
    expect(await page.textContent('#confirm-text')).toBe(`This run of 3 rows is estimated at ${THREE}, above your $0.010 limit. Run it anyway?`);
    expect(await page.textContent('#est-cost')).toBe(THREE);
    await screenshot(page, 'batch-confirm');

    await page.click('#confirm-cancel');
    await confirm.waitFor({ state: 'hidden' });
    await page.waitForTimeout(500);
    expect(starts).toEqual([]);
    expect(await batchCount(stack)).toBe(0);
    expect(await page.locator('#running li.batch').count()).toBe(0);
    // Nothing was written into the sheet either: no output columns, no Row IDs.
    expect((await stack.harness.sheet()).values[0]).toEqual(['Prompt', 'Model']);

    await page.click('#run');
    await confirm.waitFor();
    await page.click('#confirm-run');
    const card = page.locator('#running li.batch');
    await card.waitFor();
    expect(starts).toEqual([expect.objectContaining({ confirmed: true })]);
    expect(await batchCount(stack)).toBe(1);
    await expect.poll(() => card.locator('.percent').textContent(), { timeout: 15_000 }).toBe('100%');
    expect(model.prompts.sort()).toEqual(['A blue kite over a town', 'A green kite over a field', 'A red kite over the sea']);
    expect(await confirm.isHidden()).toBe(true);
    expect(await batchCount(stack)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('maps a prompt column headed "Image idea", keeps the mapping on reopening, and runs with it', async () => {
    const model = new GatedProvider();
    const ideas = ['A lighthouse at dawn', 'A lighthouse in a storm', 'A lighthouse under stars'];
    stack = await startStack(addon, [['Image idea', 'Headline'], ...ideas.map((idea, i) => [idea, `Coast ${i + 1}`])], {
      env: { ROWSHOT_PROVIDER_CHAIN: PAID_MODEL }, overrides: { providers: [model] },
    });
    const { page, errors } = await openSidebar(browser, stack.harness, 'Batch');
    await expect.poll(() => page.textContent('#header-line')).toContain('3 data rows');

    // No column is called Prompt: the estimate says so.
    await page.click('#estimate');
    await expect.poll(() => page.textContent('#banner')).toContain('No Prompt column. Headers found: "Image idea", "Headline".');

    await page.click('#mapping-details summary');
    expect(await page.inputValue('#map-prompt')).toBe('');
    expect(await page.inputValue('#map-headline')).toBe('Headline');
    await page.selectOption('#map-prompt', 'Image idea');
    await page.click('#save-mapping');
    await expect.poll(() => page.textContent('#banner')).toBe('Column mapping saved for this sheet.');
    await screenshot(page, 'batch-mapping-saved');

    await page.click('#estimate');
    await expect.poll(() => page.textContent('#est-rows')).toBe('3');
    expect(await page.textContent('#est-invalid')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();

    const again = await openSidebar(browser, stack.harness, 'Batch');
    await expect.poll(() => again.page.inputValue('#map-prompt')).toBe('Image idea');
    expect(await again.page.inputValue('#map-headline')).toBe('Headline');
    await again.page.click('#run');
    const card = again.page.locator('#running li.batch');
    await expect.poll(() => card.locator('.percent').textContent(), { timeout: 15_000 }).toBe('100%');
    // The backend read the prompts from the mapped column.
    expect(model.prompts.sort()).toEqual([...ideas].sort());
    expect(again.errors).toEqual([]);
  });
});
