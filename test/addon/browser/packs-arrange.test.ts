// Packs sidebar in Chromium, with the mouse: dragging a tile reorders the pack on the backend,
// and a pack made with a mode per image and a logo (arranged by dragging in the form) is
// stored with exactly that order, those modes and that logo. Images differ in size, so the
// backend's width × height tells which is which.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Pack } from '../../../shared/index';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;
let dir: string;

const SIZES = { red: [640, 480], green: [800, 800], blue: [300, 200] } as const;
type Colour = keyof typeof SIZES;
const RGB: Record<Colour, { r: number; g: number; b: number }> = { red: { r: 220, g: 40, b: 40 }, green: { r: 40, g: 180, b: 60 }, blue: { r: 30, g: 60, b: 200 } };

async function pngOf(colour: Colour): Promise<Buffer> {
  const [width, height] = SIZES[colour];
  return sharp({ create: { width, height, channels: 3, background: RGB[colour] } }).png().toBuffer();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-pack-arrange-'));
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  await Promise.all((Object.keys(SIZES) as Colour[]).map(async (c) => writeFile(path.join(dir, `${c}.png`), await pngOf(c))));
  stack = await startStack(addon, [['Prompt', 'Reference pack'], ['a red fox', '']]);
});

afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
  await rm(dir, { recursive: true, force: true });
});

async function backendPack(id: string): Promise<Pack> {
  const res = await stack.backend.api(`/v1/packs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Pack;
}

/** Which test image each backend image is, by its size. */
function colourOf(image: { width: number; height: number } | null): string {
  const found = (Object.keys(SIZES) as Colour[]).find((c) => SIZES[c][0] === image?.width && SIZES[c][1] === image?.height);
  return found ?? `unknown ${image?.width}×${image?.height}`;
}

/** A pack of red, green, blue made through the add-on's server functions (not the UI under test). */
async function packVia(name: string): Promise<string> {
  const images: { uploadId: string; mode: 'style_and_composition' }[] = [];
  for (const colour of ['red', 'green', 'blue'] as const) {
    const up = await stack.harness.call('uploadPackImage', [{ fileName: `${colour}.png`, mimeType: 'image/png', base64: (await pngOf(colour)).toString('base64') }]);
    const upload = up.ok ? (up.value as { ok: boolean; value: { uploadId: string } }) : null;
    if (!upload?.ok) throw new Error(`upload failed: ${JSON.stringify(up)}`);
    images.push({ uploadId: upload.value.uploadId, mode: 'style_and_composition' });
  }
  const made = await stack.harness.call('createPack', [{ name, images, logoUploadId: null }]);
  const pack = made.ok ? (made.value as { ok: boolean; value: { id: string } }) : null;
  if (!pack?.ok) throw new Error(`createPack failed: ${JSON.stringify(made)}`);
  return pack.value.id;
}

describe('Packs sidebar with the mouse', () => {
  it('reorders a pack by dragging a tile, and the backend keeps the new order', async () => {
    const id = await packVia('Coast');
    expect((await backendPack(id)).images.map(colourOf)).toEqual(['red', 'green', 'blue']);
    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    const tiles = page.locator(`.pack[data-pack-id="${id}"] .tile`);
    await expect.poll(() => tiles.count()).toBe(3);

    // Red onto blue: red takes the last place.
    await tiles.nth(0).locator('img.thumb').dragTo(tiles.nth(2).locator('img.thumb'));
    await expect.poll(async () => (await backendPack(id)).images.map(colourOf)).toEqual(['green', 'blue', 'red']);
    // The card re-rendered from the backend's answer in the same order.
    const shown = async () => (await backendPack(id)).images.map((i) => i.id);
    await expect.poll(() => page.locator(`.pack[data-pack-id="${id}"] .tile`).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(await shown());

    // Blue onto green: blue comes first.
    await tiles.nth(1).locator('img.thumb').dragTo(tiles.nth(0).locator('img.thumb'));
    await expect.poll(async () => (await backendPack(id)).images.map(colourOf)).toEqual(['blue', 'green', 'red']);
    await screenshot(page, 'packs-dragged');
    expect(errors).toEqual([]);
  });

  it('creates a pack with the order, a mode per image and the logo chosen in the form', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    await page.locator('#packs[aria-busy="false"]').waitFor();
    await page.fill('#pack-name', 'Harbour');
    await page.setInputFiles('#pack-files', ['red', 'green', 'blue'].map((c) => path.join(dir, `${c}.png`)));
    const items = page.locator('#new-images li.new-image');
    await expect.poll(() => page.locator('#new-images [data-status="done"]').count(), { timeout: 15_000 }).toBe(3);

    // Drag green above red, make red "Style only", and blue the logo (a logo has no mode).
    await items.nth(1).locator('img.thumb').dragTo(items.nth(0).locator('img.thumb'));
    await expect.poll(() => items.locator('.file-name').allTextContents()).toEqual(['green.png', 'red.png', 'blue.png']);
    await items.nth(1).locator('select.mode').selectOption('style_only');
    await items.nth(2).locator('input[name="logo"]').check();
    await expect.poll(() => items.nth(2).locator('select.mode').count()).toBe(0);
    await screenshot(page, 'packs-new-arranged');

    await page.click('#create');
    const card = page.locator('.pack[data-pack-name="Harbour"]');
    await card.waitFor();
    const id = (await card.getAttribute('data-pack-id')) ?? '';
    const pack = await backendPack(id);
    expect(pack.images.map((i) => [colourOf(i), i.mode])).toEqual([['green', 'style_and_composition'], ['red', 'style_only']]);
    expect(colourOf(pack.logo)).toBe('blue');
    // The gallery shows the same: two tiles with those modes, and the logo beside them.
    expect(await card.locator('.tile select.mode').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['style_and_composition', 'style_only']);
    await expect.poll(() => card.locator('img.logo-thumb').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
    await screenshot(page, 'packs-created-with-logo');
    expect(errors).toEqual([]);
  });
});
