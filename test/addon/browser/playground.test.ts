// The playground as `npm start` runs it: one line with both URLs, a grid of the workbook, the
// Extensions → Rowshot menu, row selection, and the workbook file saved after a change.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { writeExampleWorkbooks } from '../../../examples/make-workbooks';
import { pricePerImage, RECOMMENDED_GEMINI_MODEL } from '../../../shared/index';

// What =ROWSHOT_COST charges a blank Model cell: the recommended model's list price.
const PER_IMAGE = pricePerImage(RECOMMENDED_GEMINI_MODEL) ?? NaN;
import { launchChromium, screenshot } from './stack';

let browser: Browser;
let child: ChildProcess;
let dir: string;
let workbook: string;
let url: string;
let output = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-playground-'));
  // A pristine copy: the README quick start (`npx rowshot run examples/greeting-cards.csv`)
  // writes Row IDs and results into the committed example.
  await writeExampleWorkbooks(dir);
  workbook = path.join(dir, 'greeting-cards.csv');
  browser = await launchChromium();
  child = spawn(process.execPath, ['bin/run-ts.mjs', 'addon/dev/playground/main.ts', '--workbook', workbook], {
    env: { ...process.env, PORT: '0', PLAYGROUND_PORT: '0', ROWSHOT_DATA_DIR: path.join(dir, 'data'), ROWSHOT_FLUSH_INTERVAL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    // It builds the add-on and starts a backend: slow on a loaded two-core machine.
    const timer = setTimeout(() => reject(new Error(`the playground did not start in 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (/Add-on signed in/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`the playground exited (${code}):\n${output}`)));
  });
  url = /Playground: (http:\/\/localhost:\d+)\//.exec(output)?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('playground', () => {
  it('prints both URLs and the bound sheet, shows the workbook, runs menu items and saves changes to the file', async () => {
    const lines = output.trim().split('\n');
    expect(lines[0]).toMatch(/^Playground: http:\/\/localhost:\d+\/ {2}\(backend http:\/\/localhost:\d+\)$/);
    expect(lines[1]).toBe(`Sheet: ${workbook}, rewritten after every change.`);
    expect(lines[2]).toMatch(/^Add-on signed in with Google as alice@example\.com /);

    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/?sidebar=none`);
    await expect.poll(() => page.locator('#grid tbody tr[data-row="1"] td').first().textContent()).toBe('Name');
    expect(await page.locator('#grid tbody tr[data-row="21"] td').first().textContent()).toBe('Grace Kim');

    // Selection reaches the add-on's spreadsheet: a row header selects the row, a cell and a
    // shift-click on another cell select the block between them.
    const selection = async () => ((await (await fetch(`${url}/api/sheet`)).json()) as { selection: unknown[] }).selection;
    await page.click('#grid tbody tr[data-row="3"] th');
    await expect.poll(selection).toMatchObject([{ row: 3, column: 1, numRows: 1 }]);
    await page.click('#grid tbody tr[data-row="4"] td:nth-of-type(7)');
    await page.click('#grid tbody tr[data-row="6"] td:nth-of-type(7)', { modifiers: ['Shift'] });
    await expect.poll(selection).toEqual([{ row: 4, column: 7, numRows: 3, numColumns: 1 }]);

    await page.click('#extensions');
    await page.click('#menu button[data-handler="syncResultsNow"]');
    await expect.poll(() => page.locator('.toast').first().textContent()).toMatch(/Rowshot/);

    await page.click('#extensions');
    await page.click('#menu button[data-handler="showSettingsSidebar"]');
    const frame = page.frameLocator('#sidebar-frame');
    // Signed in with Google, as in Sheets: no key was pasted.
    await expect.poll(() => frame.locator('#signInStatus').textContent()).toBe('In use: Google sign-in as alice@example.com. No key needed.');
    await screenshot(page, 'playground');

    // Starting a run adds the output columns and Row IDs; the workbook file follows.
    const header = async () => (await readFile(workbook, 'utf8')).split(/\r?\n/)[0];
    expect(await header()).toMatch(/^\uFEFF?Name,Team,/);
    expect(await header()).not.toContain('Row ID');
    const started = await fetch(`${url}/rpc/startRun`, { method: 'POST', body: JSON.stringify({ args: [{ scope: 'selected', requestId: 'playground-test' }] }) });
    expect(((await started.json()) as { ok: boolean; value: { ok: boolean } }).value.ok).toBe(true);
    await expect.poll(header).toContain('Row ID');
    expect(errors).toEqual([]);
  });

  it('hides the sidebar panel when it is closed, by its × or by the add-on', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${url}/?sidebar=Batch`);
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(true);
    const gridWidth = async () => (await page.locator('main').locator('> :first-child').boundingBox())?.width ?? 0;
    const narrow = await gridWidth();
    await page.click('#sidebar-close');
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
    expect(await page.locator('#sidebar').boundingBox()).toBeNull();
    expect(await gridWidth()).toBeGreaterThan(narrow + 250);
    // The add-on's own close (google.script.host.close) hides it too.
    await page.click('#extensions');
    await page.click('#menu button[data-handler="showSettingsSidebar"]');
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(true);
    await page.evaluate("window.postMessage({ rowshot: 'close' }, '*')");
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
    await page.close();
  });

  it('has the example packs the example sheet names, so its rows can succeed', async () => {
    const packs = await fetch(`${url}/rpc/listPacks`, { method: 'POST', body: JSON.stringify({ args: [] }) });
    const result = (await packs.json()) as { value: { ok: boolean; value: { name: string; images: unknown[] }[] } };
    expect(result.value.ok).toBe(true);
    expect(result.value.value.map((p) => p.name).sort()).toEqual(['campaign', 'celebration']);
    expect(result.value.value.every((p) => p.images.length > 0)).toBe(true);
  });

  it('edits cells, adds rows and pastes cells into the workbook, and recalculates the custom functions that read them', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/?sidebar=none`);
    const cell = (row: number, col: number) => page.locator(`#grid tbody tr[data-row="${row}"] td:nth-of-type(${col})`);
    const number = async (row: number, col: number) => Number(await cell(row, col).textContent());
    await expect.poll(() => cell(1, 1).textContent()).toBe('Name');
    // The grid shows one empty column past the data (after the output columns a run added).
    const free = (await page.locator('#grid thead th').count()) - 1;
    expect(await cell(1, free).textContent()).toBe('');
    expect(await cell(1, free - 1).textContent()).not.toBe('');

    // More rows to type into, as Sheets offers at the bottom.
    const shown = await page.locator('#grid tbody tr').count();
    await page.click('#add-rows');
    expect(await page.locator('#grid tbody tr').count()).toBe(shown + 10);

    // Typing into empty rows adds rows to the sheet; Enter saves and moves down.
    await cell(24, 4).click();
    await page.keyboard.type('a red fox');
    await page.keyboard.press('Enter');
    await page.keyboard.type('a blue owl');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(25, 4).textContent()).toBe('a blue owl');
    expect(await cell(24, 4).textContent()).toBe('a red fox');

    // A custom function typed into that empty column: two prompts at two sizes.
    await cell(24, free).dblclick();
    await page.keyboard.type('=ROWSHOT_COST(D24:D26, "1:1, 9:16")');
    await page.keyboard.press('Enter');
    await expect.poll(() => number(24, free)).toBeCloseTo(4 * PER_IMAGE, 9);
    expect(await cell(24, free).getAttribute('title')).toContain(`=ROWSHOT_COST(D24:D26, "1:1, 9:16") → ${+(4 * PER_IMAGE).toFixed(10)}`);

    // A paste of cells copied from a spreadsheet (TSV) fills row 26: the cost follows.
    await cell(26, 1).click();
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'Zoe\\tOps\\t2\\ta green frog\\n');
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await expect.poll(() => cell(26, 4).textContent()).toBe('a green frog');
    expect(await cell(26, 1).textContent()).toBe('Zoe');
    await expect.poll(() => number(24, free)).toBeCloseTo(6 * PER_IMAGE, 9);

    // ROWSHOT_PROMPT reads the row's Name; renaming it recalculates the prompt.
    await cell(25, free).dblclick();
    await page.keyboard.type('=ROWSHOT_PROMPT("A card for {{Name}}", A1, A26)');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(25, free).textContent()).toBe('A card for Zoe');
    await cell(26, 1).dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Zoë');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(25, free).textContent()).toBe('A card for Zoë');

    // Delete clears a cell: one prompt fewer.
    await cell(25, 4).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => cell(25, 4).textContent()).toBe('');
    await expect.poll(() => number(24, free)).toBeCloseTo(4 * PER_IMAGE, 9);
    await screenshot(page, 'playground-editable-grid');

    // The bound workbook holds the typed cells and the formulas (not their results).
    await expect.poll(async () => readFile(workbook, 'utf8')).toContain('Zoë,Ops,2,a green frog');
    const file = await readFile(workbook, 'utf8');
    expect(file).toContain('"=ROWSHOT_COST(D24:D26, ""1:1, 9:16"")"');
    expect(file).toContain('"=ROWSHOT_PROMPT(""A card for {{Name}}"", A1, A26)"');
    expect(file).toContain('a red fox');
    expect(file).not.toContain('a blue owl');
    expect(file).not.toContain('A card for Zoë');
    expect(errors).toEqual([]);
    await page.close();
  });
});
