// The browser tests must run on a machine without Debian's Chromium: the npm one is found,
// unpacked once and really drives a page.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, findChromium, launchChromium } from '../../helpers/browser';

describe('findChromium', () => {
  let cacheRoot: string;
  beforeAll(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'rowshot-chromium-cache-'));
  });
  afterAll(() => rm(cacheRoot, { recursive: true, force: true }));

  it('takes CHROMIUM_PATH first, then Debian\'s, and refuses a CHROMIUM_PATH that does not exist', async () => {
    const own = path.join(cacheRoot, 'my-chromium');
    await expect(findChromium({ env: { CHROMIUM_PATH: own } })).rejects.toThrow(`CHROMIUM_PATH=${own} does not exist`);
    const fromEnv = await findChromium({ env: { CHROMIUM_PATH: process.execPath } });
    expect(fromEnv).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: process.execPath });
    const debian = await findChromium({ env: {}, debianPath: process.execPath });
    expect(debian).toMatchObject({ source: 'debian', executablePath: process.execPath });
  });

  it('on a bare machine unpacks the npm Chromium once, atomically, and it renders a page', async () => {
    const bare = { env: {}, debianPath: path.join(cacheRoot, 'no-such-chromium'), cacheRoot };
    // Two at once, as two test workers would: one complete copy, no staging folder left behind.
    const [a, b] = await Promise.all([findChromium(bare), findChromium(bare)]);
    expect(a.source).toBe('npm');
    expect(b.executablePath).toBe(a.executablePath);
    expect(a.executablePath.startsWith(cacheRoot)).toBe(true);
    expect((await readdir(cacheRoot)).filter((n) => n.includes('.partial-'))).toEqual([]);

    const browser = await launchChromium(bare);
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="t">bare machine</p><script>document.title = String(6 * 7)</script>');
      expect(await page.textContent('#t')).toBe('bare machine');
      expect(await page.title()).toBe('42');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('ROWSHOT_TEST_NO_SYSTEM_CHROMIUM=1 skips Debian\'s Chromium even where it is installed', async () => {
    const choice = await findChromium({ env: { ROWSHOT_TEST_NO_SYSTEM_CHROMIUM: '1' }, debianPath: process.execPath, cacheRoot });
    expect(choice.source).toBe('npm');
    expect(choice.executablePath).not.toBe(DEBIAN_CHROMIUM);
  });
});
