// Packs sidebar in Chromium: three chosen images are uploaded one at a time (the large one
// downscaled to 2048 px in a canvas first), the pack appears in the gallery with three
// thumbnails the browser can load, and reordering reaches the backend.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createPackVia, launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;
let dir: string;
let files: string[];

async function png(file: string, width: number, height: number, rgb: { r: number; g: number; b: number }): Promise<string> {
  const full = path.join(dir, file);
  await writeFile(full, await sharp({ create: { width, height, channels: 3, background: rgb } }).png().toBuffer());
  return full;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-pack-images-'));
  [addon, browser, files] = await Promise.all([
    Promise.resolve(builtAddon()),
    launchChromium(),
    Promise.all([png('red.png', 640, 480, { r: 220, g: 40, b: 40 }), png('green.png', 800, 800, { r: 40, g: 180, b: 60 }), png('wide-blue.png', 3000, 1500, { r: 30, g: 60, b: 200 })]),
  ]);
  stack = await startStack(addon, [['Prompt', 'Reference pack'], ['a red fox', '']]);
});

afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
  await rm(dir, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR. */
function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, 'base64');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('Packs sidebar', () => {
  it('creates a pack from three chosen images and shows it with three thumbnails', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    const uploads: { width: number; height: number }[] = [];
    const timeline: string[] = [];
    page.on('request', (req) => {
      if (!req.url().endsWith('/rpc/uploadPackImage')) return;
      timeline.push('start');
      const body = req.postDataJSON() as { args: [{ base64: string }] };
      uploads.push(pngSize(body.args[0].base64));
    });
    page.on('requestfinished', (req) => {
      if (req.url().endsWith('/rpc/uploadPackImage')) timeline.push('end');
    });
    await page.locator('#packs[aria-busy="false"]').waitFor();
    expect(await page.locator('.pack[data-pack-name="Spring"]').count()).toBe(0);

    await page.fill('#pack-name', 'Spring');
    await page.setInputFiles('#pack-files', files);
    await expect.poll(() => page.locator('#new-images [data-status="done"]').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#new-images [data-status="failed"]').count()).toBe(0);
    await screenshot(page, 'packs-uploaded');

    // One at a time, and the 3000×1500 image went up as 2048×1024.
    expect(timeline).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    expect(uploads).toEqual([{ width: 640, height: 480 }, { width: 800, height: 800 }, { width: 2048, height: 1024 }]);

    await page.click('#create');
    const card = page.locator('.pack[data-pack-name="Spring"]');
    await card.waitFor();
    const thumbs = card.locator('img.thumb');
    expect(await thumbs.count()).toBe(3);
    // The thumbnails are real images the browser loaded from the backend.
    await expect.poll(() => thumbs.evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0))).toEqual([true, true, true]);
    expect(await page.textContent('#banner')).toContain('Created “Spring” with 3 images');
    await screenshot(page, 'packs-gallery');

    const listed = (await (await stack.backend.api('/v1/packs')).json()) as { packs: { name: string; images: { id: string }[] }[] };
    const pack = listed.packs.find((p) => p.name === 'Spring');
    expect(pack?.images).toHaveLength(3);

    // Keyboard reorder: move the first image later; the backend keeps the new order.
    const before = pack?.images.map((i) => i.id) ?? [];
    await card.locator('.tile').first().locator('button.move-later').click();
    await expect.poll(async () => {
      const now = (await (await stack.backend.api('/v1/packs')).json()) as { packs: { name: string; images: { id: string }[] }[] };
      return now.packs.find((p) => p.name === 'Spring')?.images.map((i) => i.id);
    }).toEqual([before[1], before[0], before[2]]);
    expect(errors).toEqual([]);
  });

  it('inserts the pack name into the selected cells, renames and deletes the pack', async () => {
    await createPackVia(stack.harness, 'Autumn');
    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    const card = page.locator('.pack[data-pack-name="Autumn"]');
    await card.waitFor();

    await stack.harness.selectRanges([{ row: 2, column: 2, numRows: 1, numColumns: 1 }]);
    await card.locator('button.insert').click();
    await expect.poll(() => page.textContent('#banner')).toBe('Put “Autumn” into 1 cell.');
    expect((await stack.harness.sheet()).values[1]).toEqual(['a red fox', 'Autumn']);

    // A dropdown of the pack names on the Reference pack column's data rows.
    await page.click('#dropdown');
    await expect.poll(() => page.textContent('#banner')).toMatch(/^Added a dropdown of \d+ packs? to 1 row of the Reference pack column\.$/);
    const dropdown = (await stack.harness.sheet()).validations.at(-1);
    expect(dropdown).toMatchObject({ row: 2, column: 2, numRows: 1, numColumns: 1 });
    expect(dropdown?.values).toContain('Autumn');

    await card.locator('button.rename').click();
    await page.fill('.pack form.rename input', 'Autumn 2026');
    await page.click('.pack form.rename button[type="submit"]');
    await page.locator('.pack[data-pack-name="Autumn 2026"]').waitFor();
    const names = async () => ((await (await stack.backend.api('/v1/packs')).json()) as { packs: { name: string }[] }).packs.map((p) => p.name).sort();
    expect(await names()).toContain('Autumn 2026');
    expect(await names()).not.toContain('Autumn');

    // Keep puts the card's buttons back and deletes nothing.
    await page.locator('.pack[data-pack-name="Autumn 2026"] button.delete').click();
    const confirmBox = page.locator('.pack[data-pack-name="Autumn 2026"] [role="alertdialog"]');
    expect(await confirmBox.getAttribute('aria-label')).toBe('Delete Autumn 2026?');
    expect(await page.locator(':focus').textContent()).toBe('Keep');
    await confirmBox.locator('button', { hasText: 'Keep' }).click();
    expect(await confirmBox.count()).toBe(0);
    expect(await names()).toContain('Autumn 2026');

    await page.locator('.pack[data-pack-name="Autumn 2026"] button.delete').click();
    await screenshot(page, 'packs-delete-confirm');
    await page.click('button.confirm-delete');
    await expect.poll(() => page.locator('.pack[data-pack-name="Autumn 2026"]').count()).toBe(0);
    expect(await names()).not.toContain('Autumn 2026');
    expect(errors).toEqual([]);
  });
});
