// On form submit and New rows schedules in Chromium, with the built add-on, a real backend
// (template provider) and a Google Form faked in the harness: a response runs as it arrives and
// its result lands in its row by Row ID; New rows runs only the rows no run has taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { column } from './batch-page';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Timestamp', 'Prompt'], ['2025-01-01 10:00', 'An old kite on a beach']], { formLinked: true });
});
afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

async function create(page: Page, name: string, every: string): Promise<void> {
  await page.click('#new');
  await page.fill('#s-name', name);
  await page.selectOption('#s-every', every);
  expect(await page.locator('#scope-set').isHidden()).toBe(true);
  await page.click('#save');
  await page.locator(`#schedules li[data-schedule-id]:has-text("${name}")`).waitFor();
}

describe('Schedules: On form submit and New rows', () => {
  it('runs a form response as it arrives and writes its result into its row; New rows takes only rows no run took', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Schedules');
    await expect.poll(() => page.textContent('#schedules')).toBe('No schedules yet.');
    await page.click('#new');
    await page.selectOption('#s-every', 'form_submit');
    expect(await page.textContent('#cap-label')).toBe('Cost cap per day (USD)');
    await page.click('#cancel-edit');
    await create(page, 'Kites', 'form_submit');
    const kites = page.locator('#schedules li[data-schedule-id]:has-text("Kites")');
    expect(await kites.locator('.recurrence').textContent()).toBe('On form submit');
    expect(await kites.locator('.rows').textContent()).toBe('each form response');
    expect(await kites.locator('.next-run').textContent()).toBe('on each response');
    await screenshot(page, 'schedules-form-submit');

    const submitted = await stack.harness.submitForm(['A green kite over hills']);
    expect(submitted).toEqual({ row: 3, ran: ['rowshotFormSubmit'] });
    let sheet = await stack.harness.sheet();
    const rowId = column(sheet, 'Row ID')[1];
    expect(typeof rowId === 'string' && rowId.length > 0).toBe(true);
    expect(column(sheet, 'Status')).toEqual(['', 'QUEUED']);

    // The owner's hourly trigger pulls the result into the response row.
    await expect.poll(async () => {
      await stack.harness.call('rowshotDispatch');
      return column(await stack.harness.sheet(), 'Status');
    }, { timeout: 60_000, interval: 1_000 }).toEqual(['', 'DONE']);
    sheet = await stack.harness.sheet();
    expect(column(sheet, 'Row ID')[1]).toBe(rowId);
    expect(String(column(sheet, 'Image URL')[1])).toMatch(/^https?:\/\//);

    // New rows: the old answer was never run (no Row ID, no Status); Run now takes it alone.
    await create(page, 'New kites', 'new_rows');
    const fresh = page.locator('#schedules li[data-schedule-id]:has-text("New kites")');
    expect(await fresh.locator('.recurrence').textContent()).toBe('New rows (checked every hour)');
    await fresh.locator('button.run-now').click();
    await expect.poll(() => page.textContent('#banner')).toMatch(/^“New kites”: Started\. Started b_\S+ with 1 row /);
    sheet = await stack.harness.sheet();
    expect(column(sheet, 'Status')).toEqual(['QUEUED', 'DONE']);
    await fresh.locator('button.run-now').click();
    await expect.poll(() => page.textContent('#banner')).toBe('“New kites”: Nothing to do. No new rows in "Sheet1" since the last run.');
    expect(errors).toEqual([]);
  });
});
