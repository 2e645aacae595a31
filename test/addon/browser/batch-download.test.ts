// Download all in the Batch sidebar (Chromium, the built add-on, a real backend): a finished
// card offers the latest images, the approved ones (once a row is approved) and every version;
// each answers a link that opens the zip without signing in.
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { listBatches, openBatch } from './batch-page';
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

const zipImages = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Object.keys(unzipSync(new Uint8Array(await res.arrayBuffer()))).filter((n) => n.startsWith('images/'));
};

describe('Download all', () => {
  it('gives a zip link for the latest images, the approved ones and every version', { timeout: 90_000 }, async () => {
    stack = await startStack(addon, [['Prompt', 'Headline'], ...['Ana', 'Ben', 'Cy'].map((n) => ['A welcome card', `Welcome, ${n}`])], { env: { ROWSHOT_FLUSH_INTERVAL_MS: '200' } });
    const { page, errors } = await openBatch(browser, stack, 3);
    // Named by the template typed in the sidebar.
    await page.fill('#name-template', '{{Headline}}-{{size}}');
    await page.click('#run');
    const card = page.locator('#running li.batch');
    await expect.poll(() => card.locator('.chip').getAttribute('data-state'), { timeout: 15_000 }).toBe('DONE');

    await card.locator('details.download summary').click();
    expect(await card.locator('details.download button').allTextContents()).toEqual(['Latest images', 'Approved only', 'Every version']);
    // Nothing is approved yet: the banner says what to do.
    await card.locator('button[data-download="approved"]').click();
    await expect.poll(() => page.textContent('#banner')).toContain('is approved yet: mark rows Approve in the Review column and apply the review');
    await card.locator('button[data-download="latest"]').click();
    const zipLink = card.locator('a.download-zip');
    await zipLink.waitFor();
    expect(await card.locator('.download-link').textContent()).toBe('Open the zip with the latest images and results.csv; anyone with this link can open it.');
    expect(await zipImages((await zipLink.getAttribute('href')) ?? '')).toEqual(['images/Welcome, Ana-1080x1080.png', 'images/Welcome, Ben-1080x1080.png', 'images/Welcome, Cy-1080x1080.png']);
    await screenshot(page, 'batch-download-all');
    expect(errors).toEqual([]);
    await page.close();

    // Approve one row (as Apply review does); a reopened sidebar offers the approved zip.
    const [batch] = await listBatches(stack);
    const rows = (await (await stack.backend.api(`/v1/batches/${batch!.id}/rows`)).json()) as { rows: { rowId: string }[] };
    expect((await stack.backend.api(`/v1/batches/${batch!.id}/approve`, { method: 'POST', json: { rows: [{ rowId: rows.rows[0]!.rowId, approved: true }] } })).status).toBe(200);
    await expect.poll(async () => (await (await stack!.backend.api(`/v1/batches/${batch!.id}`)).json() as { approvedRows?: number }).approvedRows, { timeout: 10_000 }).toBe(1);
    const again = await openSidebar(browser, stack.harness, 'Batch');
    const listed = again.page.locator(`#history li.batch[data-batch-id="${batch!.id}"]`);
    await listed.locator('details.download summary').click();
    await listed.locator('button[data-download="approved"]').click();
    await listed.locator('a.download-zip').waitFor();
    expect(await zipImages((await listed.locator('a.download-zip').getAttribute('href')) ?? '')).toHaveLength(1);
    expect(await listed.locator('.download-link').textContent()).toContain('the approved images');
    expect(again.errors).toEqual([]);
  });
});
