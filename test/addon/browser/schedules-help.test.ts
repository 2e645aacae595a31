// Schedules and Help sidebars in Chromium: the form marks invalid fields from the server's
// answer, a weekly schedule is saved, edited and deleted; Help links the backend's API.
import { SIZE_PRESETS } from '../../../shared/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Prompt'], ['a red fox']]);
});
afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

describe('Schedules sidebar', () => {
  it('saves, edits and deletes a schedule, marking the fields the server refused', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Schedules');
    await expect.poll(() => page.textContent('#schedules')).toBe('No schedules yet.');

    await page.click('#new');
    await page.click('#save'); // no name yet
    await expect.poll(() => page.getAttribute('#banner', 'class')).toContain('banner-error');
    expect(await page.textContent('#banner')).toMatch(/Name must be 1 to 100 characters/);
    expect(await page.getAttribute('#s-name', 'aria-invalid')).toBe('true');
    await screenshot(page, 'schedules-invalid');

    await page.fill('#s-name', 'Monday posters');
    await page.selectOption('#s-every', 'week');
    await page.selectOption('#s-weekday', '1');
    await page.selectOption('#s-hour', '18');
    await page.fill('#s-cap', '7');
    await page.click('#save');
    const item = page.locator('#schedules li[data-schedule-id]');
    await item.waitFor();
    expect(await item.locator('.recurrence').textContent()).toBe('Every Monday at 18:00');
    expect(await item.textContent()).toContain('$7.00');
    // In the spreadsheet's time zone, not the browser's (Pacific/Auckland).
    expect(await item.locator('.next-run').textContent()).toMatch(/, 06:00 PM$/);
    expect(await item.locator('.owner').textContent()).toBe('you (your sign-in)');
    expect(await page.locator('#editor').isHidden()).toBe(true);
    const view = await stack.harness.call('getSchedules');
    expect(view.ok && (view.value as { value: { triggerInstalled: boolean } }).value.triggerInstalled).toBe(true);
    await screenshot(page, 'schedules-list');

    await item.locator('button.edit').click();
    expect(await page.inputValue('#s-name')).toBe('Monday posters');
    await page.selectOption('#s-every', 'hour');
    await page.click('#save');
    await expect.poll(() => item.locator('.recurrence').textContent()).toBe('Every hour');
    expect(await item.count()).toBe(1);

    await item.locator('button.delete').click();
    await page.locator('button.confirm-delete').click();
    await expect.poll(() => page.textContent('#schedules')).toBe('No schedules yet.');
    expect(errors).toEqual([]);
  });
});

describe('Help sidebar', () => {
  it('links the API description of the configured backend', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Help');
    const link = page.locator('#api-docs');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${stack.backend.url}/openapi.json`);
    // The size presets are listed from shared/sizes.ts, with their pixels.
    const presets = await page.locator('#size-presets tr').allTextContents();
    expect(presets).toEqual(SIZE_PRESETS.map((p) => `${p.name}${p.width}×${p.height}`));
    await screenshot(page, 'help');
    expect(errors).toEqual([]);
  });
});
