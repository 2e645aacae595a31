// What every browser test needs: a Chromium found on this machine (never a downloaded one), the add-on built
// once per file, a real backend (template provider, no network), the harness running the built
// add-on, and screenshots in test-artifacts/addon/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { BuiltAddon } from '../../helpers/built-addon';
import { makeFakeGoogleIdentity, type FakeGoogleIdentity } from '../../../addon/dev/fake-apps-script/index';
import { AddonHarness, googleSignInEnv, startGoogleCerts, type Grid } from '../../../addon/dev/harness/index';
import { LOCAL_TENANT, type Overrides } from '../../../backend/src/compose';
import { startTestServer, type TestServer } from '../../helpers/server';

export { launchChromium } from '../../helpers/browser';

export interface Stack {
  backend: TestServer;
  harness: AddonHarness;
  /** With `googleSignIn`: the key the harness signs ID tokens with. */
  identity: FakeGoogleIdentity | null;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Fill in Settings (backend URL and key) as a user would; default true. */
  settings?: boolean;
  /** Backend environment (e.g. ROWSHOT_ROW_CONCURRENCY) and overrides (e.g. a slow provider). */
  env?: Record<string, string>;
  overrides?: Overrides;
  /**
   * Sign in with Google: the harness mints ID tokens for `user` with a local key, the backend
   * verifies them against that key's certs endpoint and maps `allowed` to the API key's tenant.
   * Settings then get the backend URL only (no key).
   */
  googleSignIn?: { user: string; allowed: string[] };
  /** A Google Form answers into the sheet (harness.submitForm). */
  formLinked?: boolean;
}

export const TEST_CLIENT_ID = '123456789012-rowshot-test.apps.googleusercontent.com';

/** A backend and a harness on `sheet`; Settings are filled in unless `settings: false`. */
export async function startStack(addon: BuiltAddon, sheet: Grid, options: StackOptions = {}): Promise<Stack> {
  const signIn = options.googleSignIn;
  const identity = signIn ? makeFakeGoogleIdentity(TEST_CLIENT_ID) : null;
  const certs = identity ? await startGoogleCerts(identity) : null;
  const env = { ...options.env, ...(identity && certs && signIn ? googleSignInEnv(identity, certs, LOCAL_TENANT, signIn.allowed) : {}) };
  const backend = await startTestServer(env, options.overrides).catch(async (err: unknown) => {
    await certs?.close();
    throw err;
  });
  try {
    const harness = await AddonHarness.start({
      sheet,
      addonDir: addon.dir,
      ...(options.formLinked === true ? { formLinked: true } : {}),
      ...(identity && signIn ? { identity, user: signIn.user } : {}),
      ...(options.settings === false ? {} : signIn ? { backendUrl: backend.url } : { backendUrl: backend.url, apiKey: backend.key }),
    });
    return { backend, harness, identity, close: async () => { await harness.close(); await backend.close(); await certs?.close(); } };
  } catch (err) {
    await backend.close();
    await certs?.close();
    throw err;
  }
}

/**
 * Opens a sidebar as Sheets shows it: 300 px wide. The browser's time zone is far from the
 * spreadsheet's on purpose (times must be shown in the sheet's). Page errors land in `errors`.
 */
export async function openSidebar(browser: Browser, harness: AddonHarness, name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 300, height: 900 }, locale: 'en-US', timezoneId: 'Pacific/Auckland' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${harness.url}/sidebar/${name}`);
  return { page, errors };
}

const ARTIFACTS = path.resolve('test-artifacts/addon');

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A one-image pack made through the add-on's own server functions (not the UI under test). */
export async function createPackVia(harness: AddonHarness, name: string): Promise<void> {
  const base64 = (await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 90, g: 170, b: 90 } } }).png().toBuffer()).toString('base64');
  const up = await harness.call('uploadPackImage', [{ fileName: 'leaf.png', mimeType: 'image/png', base64 }]);
  const upload = up.ok ? (up.value as { ok: boolean; value: { uploadId: string } }) : null;
  if (!upload?.ok) throw new Error(`upload failed: ${JSON.stringify(up)}`);
  const made = await harness.call('createPack', [{ name, images: [{ uploadId: upload.value.uploadId, mode: 'style_only' }], logoUploadId: null }]);
  if (!made.ok || !(made.value as { ok: boolean }).ok) throw new Error(`createPack failed: ${JSON.stringify(made)}`);
}
