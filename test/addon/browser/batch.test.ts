// Batch sidebar in Chromium against the built add-on and a real backend (template provider):
// estimate, run and watch progress reach 100% while results land in the sheet; a double click
// or a retry after a lost answer still makes one batch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Route } from 'playwright-core';
import type { Grid } from '../../../addon/dev/harness/index';
import { batchCount, column, openBatch as openBatchPage } from './batch-page';
import { createPackVia, launchChromium, screenshot, startStack, type Stack } from './stack';
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

const PACK = 'Spring';

function sheetOf(rows: number): Grid {
  return [
    ['Prompt', 'Headline', 'Reference pack'],
    ...Array.from({ length: rows }, (_, i) => [`A bright spring poster, number ${i + 1}`, `Sale ${i + 1}`, PACK]),
  ];
}

const openBatch = (s: Stack, rows: number) => openBatchPage(browser, s, rows);

describe('Batch sidebar', () => {
  it('estimates, runs 20 rows to 100% and writes Row IDs, DONE, =IMAGE formulas and links into the sheet', async () => {
    stack = await startStack(addon, sheetOf(20));
    await createPackVia(stack.harness, PACK);
    const { page, errors } = await openBatch(stack, 20);
    expect(await page.textContent('#missing-outputs')).toContain('Row ID, Status, Image, Image URL');

    await page.click('#estimate');
    await expect.poll(() => page.textContent('#est-rows')).toBe('20');
    expect(await page.textContent('#est-invalid')).toBe('0');
    expect(Number(await page.textContent('#est-images'))).toBeGreaterThanOrEqual(20);
    await screenshot(page, 'batch-estimate');

    await page.click('#run');
    const card = page.locator('#running li.batch');
    await card.waitFor();
    await screenshot(page, 'batch-running');
    await expect.poll(() => card.locator('.percent').textContent(), { timeout: 20_000 }).toBe('100%');
    expect(await card.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('100');
    expect(await card.locator('.counts').textContent()).toBe('20 done');
    await screenshot(page, 'batch-done');

    // getRunProgress wrote the results into the sheet as it polled.
    await expect.poll(async () => column(await stack!.harness.sheet(), 'Status'), { timeout: 10_000 }).toEqual(Array(20).fill('DONE'));
    const sheet = await stack.harness.sheet();
    const ids = column(sheet, 'Row ID');
    expect(new Set(ids).size).toBe(20);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(column(sheet, 'Image', 'formulas').every((f) => typeof f === 'string' && f.startsWith('=IMAGE('))).toBe(true);
    expect(column(sheet, 'Image URL').every((u) => typeof u === 'string' && /^https?:\/\//.test(u))).toBe(true);

    // The history lists this batch once.
    await expect.poll(() => page.locator('#history li.batch').count()).toBe(1);
    expect(await batchCount(stack)).toBe(1);

    // Its time is in the spreadsheet's time zone, as Schedules shows times, not the browser's.
    const context = await stack.harness.call('getSheetContext');
    const timeZone = context.ok ? (context.value as { value: { timeZone: string } }).value.timeZone : '';
    expect(timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone); // the harness's sheet zone
    const runs = await stack.harness.call('listSheetRuns');
    const createdAt = runs.ok ? (runs.value as { value: { createdAt: string }[] }).value[0]?.createdAt ?? '' : '';
    const shown = (zone: string) => new Date(createdAt).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone });
    expect(shown(timeZone), 'the sheet and the browser (Pacific/Auckland) show different times').not.toBe(shown('Pacific/Auckland'));
    expect(await page.locator('#history li.batch div.muted').first().textContent()).toBe(`${shown(timeZone)} · 20 rows`);
    expect(await card.locator('div.muted').first().textContent()).toBe(`${shown(timeZone)} · 20 rows`);
    expect(errors).toEqual([]);
  });

  it('makes one batch when Run is double-clicked', async () => {
    stack = await startStack(addon, sheetOf(5));
    const { page, errors } = await openBatch(stack, 5);
    let startCalls = 0;
    page.on('request', (req) => {
      if (req.url().endsWith('/rpc/startRun')) startCalls++;
    });
    await page.dblclick('#run');
    await page.locator('#running li.batch').waitFor();
    // Let any second submission reach the add-on and the backend before counting.
    await page.waitForTimeout(1500);
    await stack.harness.call('listSheetRuns');
    expect(startCalls).toBe(1);
    expect(await batchCount(stack)).toBe(1);
    await expect.poll(() => page.locator('#history li.batch').count()).toBe(1);
    await screenshot(page, 'batch-double-click');
    expect(errors).toEqual([]);
  });

  it('reuses the request id when the answer to Run was lost, so clicking Run again makes no second batch', async () => {
    stack = await startStack(addon, sheetOf(5));
    const { page, errors } = await openBatch(stack, 5);
    const requestIds: string[] = [];
    let lost = false;
    await page.route('**/rpc/startRun', async (route) => {
      requestIds.push((route.request().postDataJSON() as { args: [{ requestId: string }] }).args[0].requestId);
      if (lost) return route.continue();
      lost = true;
      await route.fetch(); // the add-on started the batch…
      await route.abort('connectionreset'); // …but the browser never heard back
    });
    await page.click('#run');
    await expect.poll(() => page.textContent('#banner')).toContain('Click Run again');
    expect(await batchCount(stack)).toBe(1);
    await screenshot(page, 'batch-lost-answer');

    await page.click('#run');
    await page.locator('#running li.batch').waitFor();
    expect(requestIds).toHaveLength(2);
    expect(requestIds[1]).toBe(requestIds[0]);
    expect(await batchCount(stack)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('keeps at most three calls in flight and sends the rest as those answer', async () => {
    stack = await startStack(addon, sheetOf(3));
    const { page, errors } = await openBatch(stack, 3);
    const held: Route[] = [];
    let release = false;
    await page.route('**/rpc/*', (route) => {
      if (release) return void route.continue();
      held.push(route);
    });
    // Four calls: getSheetContext, estimateRun, syncNow, and the estimate that Run starts with.
    for (const button of ['#refresh', '#estimate', '#sync', '#run']) await page.click(button);
    await expect.poll(() => held.length).toBe(3);
    await page.waitForTimeout(500);
    expect(held.length).toBe(3);

    release = true;
    for (const route of held.splice(0)) await route.continue();
    // The queued call went out once a slot was free, and Run went on to start the batch.
    await page.locator('#running li.batch').waitFor();
    expect(await page.textContent('#est-rows')).toBe('3');
    expect(await batchCount(stack)).toBe(1);
    expect(errors).toEqual([]);
  });
});
