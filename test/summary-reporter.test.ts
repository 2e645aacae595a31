// The closing line is checked on real vitest runs of a throw-away project: a test file that
// cannot load and one whose beforeAll throws must count as failures, never as "0 failed".
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const REPORTER = path.join(ROOT, 'test', 'summary-reporter.ts');

const FILES: Record<string, string> = {
  'ok.test.mjs': `it('passes', () => { expect(1).toBe(1); });\nit.skip('is skipped on purpose', () => {});\n`,
  'fails.test.mjs': `it('fails', () => { expect(1).toBe(2); });\n`,
  'broken.test.mjs': `import './no-such-module.mjs';\nit('never loads', () => {});\n`,
  'setup-fails.test.mjs': `beforeAll(() => { throw new Error('no browser'); });\nit('a', () => {});\nit('b', () => {});\n`,
  'unhandled.test.mjs': `it('leaves a rejection behind', async () => { Promise.reject(new Error('stray')); await new Promise((r) => setTimeout(r, 50)); });\n`,
};

async function runProject(dir: string, files: string[]): Promise<{ code: number | null; line: string }> {
  await writeFile(path.join(dir, 'vitest.config.mjs'),
    `export default { test: { globals: true, include: ${JSON.stringify(files)}, reporters: ['default', ${JSON.stringify(REPORTER)}] } };\n`);
  for (const f of files) await writeFile(path.join(dir, f), FILES[f] ?? '');
  const child = spawn(process.execPath, [VITEST, 'run', '--root', dir, '--config', path.join(dir, 'vitest.config.mjs')], {
    cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = out.split('\n').filter((l) => l.startsWith('Tests: '));
  return { code, line: lines.at(-1) ?? `(no summary line in:\n${out})` };
}

describe('summary reporter', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('counts a failing test, an unloadable file and a file whose setup throws as failures', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-summary-'));
    const r = await runProject(dir, ['ok.test.mjs', 'fails.test.mjs', 'broken.test.mjs', 'setup-fails.test.mjs']);
    expect(r.code).toBe(1);
    expect(r.line).toBe('Tests: 1 passed, 3 failed, 1 skipped (2 test files failed to load or set up)');
  }, 60_000);

  it('counts an unhandled error as a failure', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-summary-'));
    const r = await runProject(dir, ['ok.test.mjs', 'unhandled.test.mjs']);
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/^Tests: 2 passed, 1 failed, 1 skipped \(1 unhandled error\)$/);
  }, 60_000);

  it('says 0 failed only for a run that exits 0', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-summary-'));
    const r = await runProject(dir, ['ok.test.mjs']);
    expect(r.code).toBe(0);
    expect(r.line).toBe('Tests: 1 passed, 0 failed, 1 skipped');
  }, 60_000);
});
