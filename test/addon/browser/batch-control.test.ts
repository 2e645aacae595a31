// Batch sidebar controls in Chromium against the built add-on and a real backend whose image
// model (the network boundary) waits at a gate: Cancel stops a run and the sheet says which
// rows were cancelled; Retry failed runs the failed rows again; a reopened sidebar picks up a
// running batch; a Cancel during a progress poll leaves one poll chain, not two.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Route } from 'playwright-core';
import type { Grid } from '../../../addon/dev/harness/index';
import { backendBatch, batchCount, listBatches, openBatch, statusCount } from './batch-page';
import { GatedProvider, PAID_MODEL } from './gated-provider';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack | null = null;
let provider: GatedProvider | null = null;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
});
afterEach(async () => {
  provider?.open(); // the backend waits for calls in flight before it closes
  provider = null;
  await stack?.close();
  stack = null;
});
afterAll(async () => {
  await browser?.close();
  await addon?.remove();
});

/** Two rows at a time, all through the gated model. */
const ENV = { ROWSHOT_ROW_CONCURRENCY: '2', ROWSHOT_PROVIDER_CHAIN: PAID_MODEL };

function sheetOf(rows: number, prompt = (i: number) => `A lighthouse poster, number ${i + 1}`): Grid {
  return [['Prompt', 'Headline'], ...Array.from({ length: rows }, (_, i) => [prompt(i), `Poster ${i + 1}`])];
}

async function start(rows: Grid, gate: GatedProvider): Promise<Stack> {
  provider = gate;
  stack = await startStack(addon, rows, { env: ENV, overrides: { providers: [gate] } });
  return stack;
}

describe('Batch sidebar controls', () => {
  it('cancels a running batch of 40 rows: the card reaches CANCELLED and the sheet says CANCELLED for the rows not made', async () => {
    const gate = new GatedProvider({ permits: 5 });
    const s = await start(sheetOf(40), gate);
    const { page, errors } = await openBatch(browser, s, 40);
    await page.click('#run');
    const card = page.locator('#running li.batch');
    await card.waitFor();
    // Five rows made, two held at the model, 33 queued.
    await expect.poll(() => gate.waiting, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => card.locator('.counts').textContent(), { timeout: 10_000 }).toMatch(/^5 done · 2 running · 33 queued/);
    expect(await page.textContent('#h-running')).toBe('Running');
    await screenshot(page, 'batch-before-cancel');

    await card.locator('button.cancel').click();
    await expect.poll(() => page.textContent('#banner')).toContain('Cancelled');
    gate.open(); // the two rows in flight finish; the queued ones are cancelled
    await expect.poll(() => card.locator('.chip').getAttribute('data-state'), { timeout: 15_000 }).toBe('CANCELLED');

    const [listed] = await listBatches(s);
    const backend = await backendBatch(s, listed?.id ?? '');
    expect(backend.state).toBe('CANCELLED');
    expect(backend.counts.CANCELLED).toBeGreaterThanOrEqual(33);
    expect(backend.counts.DONE + backend.counts.CANCELLED).toBe(40);
    expect(gate.prompts.length).toBe(backend.counts.DONE); // cancelled rows never reached the model
    expect(await card.locator('.counts').textContent()).toBe(`${backend.counts.DONE} done · ${backend.counts.CANCELLED} cancelled`);
    // Grey, saying how many rows never ran; the bar shows the share made, not 100%.
    expect(await card.locator('.chip').textContent()).toBe(`Cancelled · ${backend.counts.CANCELLED} not run`);
    expect(await card.locator('.chip').getAttribute('class')).toBe('chip status muted');
    expect(await card.locator('.progress').getAttribute('class')).toBe('progress muted');
    expect(await card.locator('.percent').textContent()).toBe(`${Math.round((backend.counts.DONE / 40) * 100)}%`);
    // The history reads the same status as the card.
    await expect.poll(() => page.locator(`#history li[data-batch-id="${listed?.id ?? ''}"] .chip`).textContent(), { timeout: 10_000 }).toBe(`Cancelled · ${backend.counts.CANCELLED} not run`);
    expect(await card.locator('button.cancel').count()).toBe(0);
    // The finished card lingers, under a heading that no longer says it runs.
    expect(await page.textContent('#h-running')).toBe('Latest runs');

    // The last poll pulled the final rows into the sheet.
    await expect.poll(() => statusCount(s, 'CANCELLED'), { timeout: 10_000 }).toBe(backend.counts.CANCELLED);
    expect(await statusCount(s, 'DONE')).toBe(backend.counts.DONE);
    await screenshot(page, 'batch-cancelled');
    expect(errors).toEqual([]);
  });

  it('shows failed rows in amber, counts them in the FAILED scope, and Retry failed runs them again', async () => {
    // Rows 3, 5 and 7 fail the first time the model sees them, and work when retried.
    const seen = new Set<string>();
    const gate = new GatedProvider({
      fail: (req) => {
        if (!req.prompt.includes('broken') || seen.has(req.prompt)) return null;
        seen.add(req.prompt);
        return { ok: false, kind: 'permanent', reason: 'The model refused this prompt' };
      },
    });
    const s = await start(sheetOf(8, (i) => (i % 2 === 0 && i > 0 && i < 7 ? `A broken poster, number ${i + 1}` : `A lighthouse poster, number ${i + 1}`)), gate);
    const { page, errors } = await openBatch(browser, s, 8);
    await page.click('#run');
    const card = page.locator('#running li.batch');
    await expect.poll(() => card.locator('.chip').getAttribute('data-state'), { timeout: 15_000 }).toBe('DONE');
    expect(await card.locator('.counts').textContent()).toBe('5 done · 3 failed');
    // Finished with failures is amber, never a green DONE.
    expect(await card.locator('.chip').textContent()).toBe('Finished · 3 failed');
    expect(await card.locator('.chip').getAttribute('class')).toBe('chip status warn');
    expect(await card.locator('.progress').getAttribute('class')).toBe('progress warn');
    // The sheet says FAILED with the reason, and the FAILED scope counts those rows.
    await expect.poll(() => page.textContent('#count-failed'), { timeout: 10_000 }).toBe('3');
    expect(await statusCount(s, 'FAILED: The model refused this prompt')).toBe(3);
    const retry = card.locator('button.retry');
    expect(await retry.textContent()).toBe('Retry 3 failed');
    await screenshot(page, 'batch-failed-rows');

    gate.close(); // hold the retried rows so they are seen running
    await retry.click();
    await expect.poll(() => page.textContent('#banner')).toContain('Retrying 3 failed rows');
    // The rows' current cells were sent (found by Row ID), and the banner says so.
    expect(await page.textContent('#banner')).toContain('with the values the sheet holds now');
    await expect.poll(() => gate.waiting, { timeout: 10_000 }).toBe(2);
    const [listed] = await listBatches(s);
    const during = await backendBatch(s, listed?.id ?? '');
    expect(during.state).toBe('RUNNING');
    expect(during.counts.FAILED).toBe(0);
    expect(during.counts.DONE).toBe(5);
    expect(await card.locator('.chip').getAttribute('data-state')).toBe('RUNNING');
    expect(await card.locator('.chip').textContent()).toBe('Running · 5 of 8 done');
    await expect.poll(() => card.locator('.counts').textContent(), { timeout: 10_000 }).toMatch(/^5 done · \d running/);
    expect(await page.textContent('#h-running')).toBe('Running');
    await screenshot(page, 'batch-retrying');

    gate.open();
    await expect.poll(() => card.locator('.counts').textContent(), { timeout: 15_000 }).toBe('8 done');
    expect(await card.locator('.chip').textContent()).toBe('Finished');
    expect(await card.locator('.chip').getAttribute('class')).toBe('chip status ok');
    expect((await backendBatch(s, listed?.id ?? '')).counts.DONE).toBe(8);
    // Each broken prompt went to the model twice: once failing, once on the retry.
    expect(gate.prompts.filter((p) => p.includes('broken'))).toHaveLength(6);
    await expect.poll(() => statusCount(s, 'DONE'), { timeout: 10_000 }).toBe(8);
    await expect.poll(() => page.textContent('#count-failed')).toBe('0');
    expect(await batchCount(s)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('picks up a running batch when the sidebar is closed and opened again, and follows it to DONE', async () => {
    const gate = new GatedProvider({ permits: 2 });
    const s = await start(sheetOf(6), gate);
    const first = await openBatch(browser, s, 6);
    await first.page.click('#run');
    await first.page.locator('#running li.batch').waitFor();
    await expect.poll(() => gate.waiting, { timeout: 10_000 }).toBe(2);
    const [listed] = await listBatches(s);
    const id = listed?.id ?? '';
    expect(first.errors).toEqual([]);
    await first.page.close();

    const { page, errors } = await openSidebar(browser, s.harness, 'Batch');
    const card = page.locator(`#running li.batch[data-batch-id="${id}"]`);
    await card.waitFor();
    // The batch's state is flushed once per interval: RUNNING once the first flush has run.
    await expect.poll(() => card.locator('.chip').getAttribute('data-state'), { timeout: 10_000 }).toBe('RUNNING');
    await expect.poll(() => card.locator('.counts').textContent(), { timeout: 10_000 }).toMatch(/^2 done · 2 running · 2 queued/);
    await screenshot(page, 'batch-reopened');

    gate.open();
    await expect.poll(() => card.locator('.percent').textContent(), { timeout: 15_000 }).toBe('100%');
    expect(await card.locator('.chip').textContent()).toBe('Finished');
    expect(await card.locator('.chip').getAttribute('class')).toBe('chip status ok');
    expect(await card.locator('.progress').getAttribute('class')).toBe('progress ok');
    expect(await card.locator('.counts').textContent()).toBe('6 done');
    await expect.poll(() => statusCount(s, 'DONE'), { timeout: 10_000 }).toBe(6);
    expect(await batchCount(s)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('keeps one progress poll chain when Cancel is clicked while a poll is out', async () => {
    const gate = new GatedProvider({ permits: 0 });
    const s = await start(sheetOf(6), gate);
    const { page, errors } = await openBatch(browser, s, 6);
    const polls: number[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/rpc/getRunProgress')) polls.push(Date.now());
    });
    let held: Route | null = null;
    let hold = false;
    await page.route('**/rpc/getRunProgress', (route) => {
      if (hold && !held) held = route;
      else void route.continue();
    });
    await page.click('#run');
    const card = page.locator('#running li.batch');
    await card.waitFor();
    await expect.poll(() => gate.waiting, { timeout: 10_000 }).toBe(2);

    // Catch the next poll in flight, cancel meanwhile, and let the poll answer late.
    hold = true;
    await expect.poll(() => held !== null, { timeout: 10_000 }).toBe(true);
    await card.locator('button.cancel').click();
    await expect.poll(() => page.textContent('#banner')).toContain('Cancelled');
    await page.waitForTimeout(800);
    await (held as Route | null)?.continue();

    // The two held rows keep the batch running: watch the polls for a while.
    const from = polls.length;
    await page.waitForTimeout(6500);
    const after = polls.slice(from);
    const gaps = after.slice(1).map((t, i) => t - (after[i] ?? t));
    expect(after.length, 'polls in 6.5 s at one every 2.5 s').toBeLessThanOrEqual(3);
    expect(Math.min(...gaps), `gaps between polls: ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(2000);
    expect(await card.locator('.chip').getAttribute('data-state')).not.toBe('CANCELLED');

    gate.open();
    await expect.poll(() => card.locator('.chip').getAttribute('data-state'), { timeout: 15_000 }).toBe('CANCELLED');
    expect(await card.locator('.counts').textContent()).toBe('2 done · 4 cancelled');
    expect(await card.locator('.chip').textContent()).toBe('Cancelled · 4 not run');
    expect(await batchCount(s)).toBe(1);
    expect(errors).toEqual([]);
  });
});
