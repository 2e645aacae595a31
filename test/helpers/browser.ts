// Finds a Chromium on any machine, never downloading one: CHROMIUM_PATH if set, else Debian's
// /usr/bin/chromium, else the headless Chromium that ships inside the @sparticuz/chromium dev
// dependency. ROWSHOT_TEST_NO_SYSTEM_CHROMIUM=1 skips the Debian path, to test as a bare machine.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

const SPARTICUZ = '@sparticuz/chromium';
interface SparticuzChromium {
  setGraphicsMode: boolean;
  executablePath(input?: string): Promise<string>;
}

export interface ChromiumChoice {
  source: 'CHROMIUM_PATH' | 'debian' | 'npm';
  executablePath: string;
  args: string[];
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Where Debian puts its Chromium; a test points it elsewhere to act as a bare machine. */
  debianPath?: string;
  /** Where the npm Chromium is unpacked (default: a folder per package version in the temp dir). */
  cacheRoot?: string;
}

export async function findChromium(options: FindOptions = {}): Promise<ChromiumChoice> {
  const env = options.env ?? process.env;
  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { source: 'CHROMIUM_PATH', executablePath: fromEnv, args: CHROMIUM_ARGS };
  }
  const debian = options.debianPath ?? DEBIAN_CHROMIUM;
  if (env.ROWSHOT_TEST_NO_SYSTEM_CHROMIUM !== '1' && existsSync(debian)) {
    return { source: 'debian', executablePath: debian, args: CHROMIUM_ARGS };
  }
  return npmChromium(options.cacheRoot ?? os.tmpdir());
}

export async function launchChromium(options: FindOptions = {}): Promise<Browser> {
  const choice = await findChromium(options);
  return chromium.launch({ executablePath: choice.executablePath, headless: true, args: choice.args });
}

/**
 * The package unpacks into `os.tmpdir()` and reuses whatever `chromium` file it finds there, so
 * two test workers (or two checkouts) unpacking at once could launch a half-written binary. It is
 * unpacked into a private staging folder instead and renamed into place in one step.
 */
async function npmChromium(cacheRoot: string): Promise<ChromiumChoice> {
  // The package exports no package.json: find its folder from its entry (build/cjs/index.cjs).
  const pkgDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve(SPARTICUZ)), '../..');
  const { version } = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  // Loaded only on a machine with no other browser; typed locally so checkouts whose
  // node_modules predate the dependency still typecheck.
  const { default: Sparticuz } = (await import(SPARTICUZ)) as { default: SparticuzChromium };
  Sparticuz.setGraphicsMode = false; // no WebGL needed; skips unpacking SwiftShader
  const dir = path.join(cacheRoot, `rowshot-sparticuz-chromium-${version}`);
  const executablePath = path.join(dir, 'chromium');
  if (!existsSync(executablePath)) {
    const staging = await mkdtemp(`${dir}.partial-`);
    // The package reads os.tmpdir() synchronously before its first await, so TMPDIR is
    // pointed at the staging folder only for that call and restored before anything else runs.
    const savedTmp = process.env.TMPDIR;
    let unpacked: Promise<string>;
    try {
      process.env.TMPDIR = staging;
      unpacked = Sparticuz.executablePath(path.join(pkgDir, 'bin'));
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    await unpacked;
    try {
      await rename(staging, dir);
    } catch (err) {
      // Another process finished first: its copy is complete, ours is thrown away.
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(executablePath)) throw err;
    }
  }
  // Not the package's own flags: they are for Lambda (--single-process crashes the browser when
  // a page closes; --disable-web-security would hide CORS mistakes the tests must catch).
  return { source: 'npm', executablePath, args: [...CHROMIUM_ARGS, '--no-zygote'] };
}
