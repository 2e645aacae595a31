// Packs sidebar in Chromium: a pack's brand kit is edited inline; a bad colour is refused with
// the field named and nothing saved, a good kit is saved on the backend as the next version and
// the card shows it. Brand fonts are chosen as files: a good TTF becomes the next kit version,
// a truncated file and a non-font are refused with the file named and the kit unchanged.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Pack } from '../../../shared/index';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

const TTF = readFileSync(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-thai/700Bold/NotoSansThai_700Bold.ttf'));

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Prompt', 'Reference pack'], ['a red fox', '']]);
});

afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

async function backendPack(id: string): Promise<Pack> {
  return (await (await stack.backend.api(`/v1/packs/${id}`)).json()) as Pack;
}

describe('Packs sidebar brand kit', () => {
  it('refuses a bad colour naming the field, then saves the kit as a new version', async () => {
    const form = new FormData();
    form.set('name', 'Acme');
    form.append('images', new Blob([new Uint8Array(await sharp({ create: { width: 320, height: 200, channels: 3, background: '#224466' } }).png().toBuffer())]), 'a.png');
    form.set('brandKit', JSON.stringify({ scrim: 'plate' }));
    const made = (await (await stack.backend.api('/v1/packs', { method: 'POST', body: form })).json()) as Pack;
    expect(made.brandKit?.version).toBe(1);

    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    const card = page.locator(`.pack[data-pack-id="${made.id}"]`);
    await expect.poll(() => card.locator('.kit-summary').textContent()).toBe('Brand kit v1 · scrim plate');
    await card.locator('button.kit-edit').click();
    const kit = card.locator('form.kit');
    await kit.locator('input[name="headlineColor"]').fill('yellow');
    await kit.locator('select[name="position"]').selectOption('top');
    await kit.locator('button[type="submit"]').click();
    await expect.poll(() => page.textContent('#banner')).toContain('brandKit.headlineColor: must be a colour as #rrggbb, or "auto"');
    expect((await backendPack(made.id)).brandKit?.version).toBe(1);

    await kit.locator('input[name="headlineColor"]').fill('#ffd400');
    await kit.locator('input[name="headlineMax"]').fill('80');
    await kit.locator('button[type="submit"]').click();
    await expect.poll(async () => (await backendPack(made.id)).brandKit?.version).toBe(2);
    expect((await backendPack(made.id)).brandKit?.style).toEqual({ headlineColor: '#ffd400', position: 'top', scrim: 'plate', headlineSize: { max: 80 } });
    await expect.poll(() => page.locator(`.pack[data-pack-id="${made.id}"] .kit-summary`).textContent()).toBe('Brand kit v2 · headlineColor #ffd400, scrim plate, position top, headlineSize {"max":80}');
    await screenshot(page, 'packs-brand-kit');
    expect(errors).toEqual([]);
  }, 120_000);

  it('takes a brand font file, refuses a truncated file and a non-font naming them, and returns a part to Rowshot\'s fonts', async () => {
    const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#446622' } }).png().toBuffer();
    const form = new FormData();
    form.set('name', 'Fonted');
    form.append('images', new Blob([new Uint8Array(png)]), 'a.png');
    const made = (await (await stack.backend.api('/v1/packs', { method: 'POST', body: form })).json()) as Pack;
    expect(made.brandKit).toBeNull();

    const { page, errors } = await openSidebar(browser, stack.harness, 'Packs');
    const card = page.locator(`.pack[data-pack-id="${made.id}"]`);
    await card.locator('button.kit-edit').click();
    const kit = card.locator('form.kit');
    const headline = kit.locator('input[aria-label="Headline font file"]');
    await expect.poll(() => kit.locator('.font-name[data-part="headline"]').textContent()).toBe("Rowshot's fonts");

    await headline.setInputFiles({ name: 'cut.ttf', mimeType: 'font/ttf', buffer: TTF.subarray(0, 4000) });
    await expect.poll(() => page.textContent('#banner')).toMatch(/^cut\.ttf: The font was not accepted: .*truncated/);
    await headline.setInputFiles({ name: 'photo.ttf', mimeType: 'font/ttf', buffer: png });
    await expect.poll(() => page.textContent('#banner')).toContain('photo.ttf: The font was not accepted: the file is not a font (expected TTF, OTF, WOFF or WOFF2)');
    expect((await backendPack(made.id)).brandKit).toBeNull();

    await headline.setInputFiles({ name: 'brand.ttf', mimeType: 'font/ttf', buffer: TTF });
    await expect.poll(() => kit.locator('.font-name[data-part="headline"]').textContent()).toBe('Noto Sans Thai');
    expect(await page.textContent('#banner')).toContain('Headline font of “Fonted” is now Noto Sans Thai (brand kit version 1).');
    const stored = await backendPack(made.id);
    expect(stored.brandKit).toMatchObject({ version: 1, headlineFont: { family: 'Noto Sans Thai' }, sublineFont: null });
    await screenshot(page, 'packs-brand-fonts');

    await kit.locator('.font-field').filter({ hasText: 'Headline font' }).locator('button.font-reset').click();
    await expect.poll(async () => (await backendPack(made.id)).brandKit?.version).toBe(2);
    expect((await backendPack(made.id)).brandKit?.headlineFont).toBeNull();
    await expect.poll(() => kit.locator('.font-name[data-part="headline"]').textContent()).toBe("Rowshot's fonts");
    await kit.locator('.font-field').filter({ hasText: 'Subline font' }).locator('input[type="file"]').setInputFiles({ name: 'brand.ttf', mimeType: 'font/ttf', buffer: TTF });
    await expect.poll(async () => (await backendPack(made.id)).brandKit?.version).toBe(3);
    // Cancel keeps the fonts already saved and the card shows them.
    await kit.locator('button', { hasText: 'Cancel' }).click();
    await expect.poll(() => page.locator(`.pack[data-pack-id="${made.id}"] .kit-summary`).textContent()).toBe('Brand kit v3 · Noto Sans Thai');
    expect(errors).toEqual([]);
  }, 120_000);
});
