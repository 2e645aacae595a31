// Schedules sidebar in Chromium against the built add-on and a real backend (template provider):
// Test runs one row and shows its image; Run now asks before an "All rows" schedule re-renders
// DONE rows; a run with a failed row e-mails the owner (MailApp recorded by the fake).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { column } from './batch-page';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Prompt', 'Aspect ratios'], ['A red fox in snow', '1:1'], ['A blue fox at dusk', '5000x5000']]);
});
afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

async function newSchedule(page: import('playwright-core').Page, name: string, scope: 'not_done' | 'all'): Promise<void> {
  await page.click('#new');
  await page.fill('#s-name', name);
  await page.selectOption('#s-every', 'day');
  await page.check(`#schedule-form input[name="scope"][value="${scope}"]`);
  await page.click('#save');
}

describe('Schedules: Test, Run now and the e-mail', () => {
  it('tests one row in the sidebar, asks before re-rendering DONE rows, and e-mails the failed row with its reason', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Schedules');
    await expect.poll(() => page.textContent('#schedules')).toBe('No schedules yet.');
    await newSchedule(page, 'Foxes', 'not_done');
    const item = page.locator('#schedules li[data-schedule-id]');
    await item.waitFor();
    expect(await item.locator('.notify').textContent()).toBe('when a run fails, hits its cap or cannot start');

    // Test: the first row not DONE, alone; its image shows in the sidebar and lands in the sheet.
    await item.locator('button.test').click();
    const line = page.locator('#test-result .test-line');
    await expect.poll(() => line.textContent(), { timeout: 60_000 }).toBe('Row 2 of “Sheet1”: DONE');
    const img = page.locator('#test-result img');
    expect(await img.count()).toBe(1);
    await expect.poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'schedules-test');
    const afterTest = await stack.harness.sheet();
    expect(column(afterTest, 'Status')).toEqual(['DONE', '']);

    // Run now: the rows not DONE (row 3, whose size the backend refuses), recorded as Run now.
    await item.locator('button.run-now').click();
    await expect.poll(() => page.textContent('#banner')).toMatch(/^“Foxes”: Started\. Started b_\S+ with 1 row/);
    expect(await page.getAttribute('#banner', 'class')).toContain('banner-success');
    expect(await page.locator('#runs li').first().textContent()).toContain('Run now · Started · 1 rows');

    // The owner's hourly trigger syncs the finished run and mails what failed, once.
    await expect.poll(async () => {
      await stack.harness.call('rowshotDispatch');
      return (await stack.harness.mail()).length;
    }, { timeout: 60_000, interval: 1_000 }).toBe(1);
    const [mail] = await stack.harness.mail();
    expect(mail!.to).toBe('alice@example.com');
    expect(mail!.subject).toBe('Rowshot: “Foxes” finished with 1 failed row');
    const sheet = await stack.harness.sheet();
    const rowId = String(column(sheet, 'Row ID')[1]);
    expect(mail!.body).toMatch(new RegExp(`Row 3 \\(Row ID ${rowId}\\): .*5000`));
    expect(mail!.body).toContain('#gid=0');
    expect(String(column(sheet, 'Status')[1])).toMatch(/^FAILED: .*5000/);

    // "All rows" over a DONE row: saving asks, with the cost, before anything is saved.
    await newSchedule(page, 'Everything', 'all');
    const ask = page.locator('#schedule-form .confirm');
    await ask.waitFor();
    expect(await ask.textContent()).toMatch(/re-renders 1 row that is already DONE on “Sheet1” and pays for them again, about \$\d+\.\d\d per run for today's 2 rows/);
    await screenshot(page, 'schedules-all-rows-confirm');
    await ask.locator('button.confirm-yes').click();
    await expect.poll(() => item.count()).toBe(2);
    // Run now asks again before it re-renders; Cancel starts nothing.
    const everything = item.filter({ hasText: 'Everything' });
    await everything.locator('button.run-now').click();
    const runAsk = everything.locator('.confirm');
    await runAsk.waitFor();
    expect(await runAsk.textContent()).toContain('Confirm to run it now');
    await runAsk.locator('button.confirm-no').click();
    expect(await everything.locator('button.run-now').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
