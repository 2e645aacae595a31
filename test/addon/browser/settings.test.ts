// Settings sidebar in Chromium against the built add-on and a real backend: a wrong URL, a
// wrong key and the right ones each end in the banner a user would read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Prompt'], ['a red fox']], { settings: false });
});

afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

async function testWith(page: Page, url: string, key: string): Promise<string> {
  await page.fill('#backendUrl', url);
  // The API key is the fallback to Google sign-in: chosen first, then pasted.
  await page.check('#signIn input[value="api_key"]');
  await page.fill('#apiKey', key);
  await page.click('#test');
  // The banner first says "Testing…", then the server's answer.
  const banner = page.locator('#banner:not(.banner-info)');
  await banner.waitFor({ state: 'visible' });
  return (await banner.textContent()) ?? '';
}

describe('Settings sidebar', () => {
  it('says it could not reach a wrong URL, refused a wrong key, and connects with the right ones', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Settings');
    await expect.poll(() => page.locator('#apiKeyHint').textContent()).toBe('No key saved yet.');

    const unreachable = await testWith(page, 'http://127.0.0.1:9', stack.backend.key);
    expect(unreachable).toMatch(/could not reach/i);
    expect(await page.getAttribute('#banner', 'class')).toContain('banner-error');
    await screenshot(page, 'settings-unreachable');

    const refused = await testWith(page, stack.backend.url, 'rk_wrong-key-1234');
    expect(refused).toMatch(/refused the API key/i);
    expect(refused).toContain('1234');
    await screenshot(page, 'settings-refused-key');

    const ok = await testWith(page, stack.backend.url, stack.backend.key);
    expect(ok).toMatch(/^Connected to /);
    expect(await page.getAttribute('#banner', 'class')).toContain('banner-success');
    // The key is saved but never shown again: only its last four characters.
    expect(await page.inputValue('#apiKey')).toBe('');
    expect(await page.textContent('#apiKeyHint')).toBe(`Saved key …${stack.backend.key.slice(-4)}`);
    expect(await page.content()).not.toContain(stack.backend.key);
    await screenshot(page, 'settings-connected');
    expect(errors).toEqual([]);
  });
});
