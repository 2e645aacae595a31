// Sign in with Google in the harness: the built add-on asks ScriptApp.getIdentityToken() (the
// fake mints it with a local key, as the built manifest's openid + email scopes allow), the real
// backend verifies it against that key's certs endpoint and maps the email to a tenant. Settings
// says which credential is in use; the API key stays as the fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openSidebar, screenshot, startStack, type Stack } from './stack';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let addon: BuiltAddon;
let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  [addon, browser] = await Promise.all([Promise.resolve(builtAddon()), launchChromium()]);
  stack = await startStack(addon, [['Prompt'], ['a red fox'], ['a blue owl']], { googleSignIn: { user: 'ann@acme.com', allowed: ['ann@acme.com'] } });
});

afterAll(async () => {
  await stack?.close();
  await browser?.close();
  await addon?.remove();
});

const bannerText = async (page: import('playwright-core').Page): Promise<string> => {
  const banner = page.locator('#banner:not(.banner-info)');
  await banner.waitFor({ state: 'visible' });
  return (await banner.textContent()) ?? '';
};

describe('Sign in with Google', () => {
  it('connects with no key pasted, runs as the signed-in tenant, and falls back to an API key when chosen', async () => {
    const { page, errors } = await openSidebar(browser, stack.harness, 'Settings');
    await expect.poll(() => page.locator('#signInStatus').textContent()).toBe('In use: Google sign-in as ann@acme.com. No key needed.');
    expect(await page.isChecked('#signIn input[value="google"]')).toBe(true);
    expect(await page.locator('#apiKey').isVisible()).toBe(false);

    await page.click('#test');
    expect(await bannerText(page)).toBe(`Connected to ${stack.backend.url}: signed in with Google as ann@acme.com (0 reference packs).`);
    await screenshot(page, 'settings-google-sign-in');

    // A run started from the sheet lands in the tenant ann@acme.com maps to (the API key's).
    await stack.harness.select([2, 3]);
    const started = await stack.harness.call('startRun', [{ scope: 'selected', requestId: 'google-1' }]);
    const run = started.ok ? (started.value as { ok: boolean; value: { id: string } }) : null;
    expect(run?.ok).toBe(true);
    const seen = await stack.backend.api(`/v1/batches/${run?.value.id ?? ''}`);
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as { rowCount: number }).rowCount).toBe(2);

    // The fallback: an API key, chosen in Settings; it is then what Settings says is in use.
    await page.check('#signIn input[value="api_key"]');
    await expect.poll(() => page.locator('#apiKey').isVisible()).toBe(true);
    await page.fill('#apiKey', stack.backend.key);
    await page.click('#test');
    expect(await bannerText(page)).toBe(`Connected to ${stack.backend.url}: the API key works (0 reference packs).`);
    await expect.poll(() => page.locator('#signInStatus').textContent()).toBe(`In use: the API key …${stack.backend.key.slice(-4)}.`);
    expect(await page.content()).not.toContain(stack.backend.key);

    // And back to Google: the saved key stays unused.
    await page.check('#signIn input[value="google"]');
    await page.click('#save');
    await expect.poll(() => page.locator('#signInStatus').textContent()).toBe('In use: Google sign-in as ann@acme.com. No key needed.');
    expect(errors).toEqual([]);
  });

  it('says why the backend refused an account no tenant names', async () => {
    const { AddonHarness } = await import('../../../addon/dev/harness/index');
    if (!stack.identity) throw new Error('no identity');
    const eve = await AddonHarness.start({ sheet: [['Prompt']], addonDir: addon.dir, identity: stack.identity, user: 'eve@other.com', backendUrl: stack.backend.url });
    try {
      const { page } = await openSidebar(browser, eve, 'Settings');
      await expect.poll(() => page.locator('#signInStatus').textContent()).toBe('In use: Google sign-in as eve@other.com. No key needed.');
      await page.click('#test');
      expect(await bannerText(page)).toBe('eve@other.com may not use this Rowshot server: ask its administrator to add your domain or email to ROWSHOT_GOOGLE_TENANTS');
      expect(await page.getAttribute('#banner', 'class')).toContain('banner-error');
      await page.close();
    } finally {
      await eve.close();
    }
  });
});
