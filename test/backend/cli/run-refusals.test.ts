// A run that cannot start changes nothing: every refusal comes before the workbook is written.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExampleWorkbooks } from '../../../examples/make-workbooks';
import { runCli } from '../../helpers/cli';
import { startTestServer, type TestServer } from '../../helpers/server';

let dir: string;
const env = (dataDir = '.rowshot') => ({ ROWSHOT_DATA_DIR: path.join(dir, dataDir), ROWSHOT_FLUSH_INTERVAL_MS: '300' });
const TEXT = 'Name,Prompt\nfox,A red fox\ncat,A cat\n';

/** The file's bytes and stamp, to prove a refused run left it alone. */
async function snapshot(file: string) {
  const st = await stat(file);
  return { text: await readFile(file, 'utf8'), mtimeMs: st.mtimeMs, ino: st.ino };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid as number;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-refusals-'));
});

describe('rowshot run refuses before it writes the workbook', () => {
  it('when another live process holds the data folder', async () => {
    const file = path.join(dir, 'busy.csv');
    await writeFile(file, TEXT);
    await mkdir(path.join(dir, 'busy-data'), { recursive: true });
    // This test's own process is alive and is not the CLI.
    await writeFile(path.join(dir, 'busy-data', 'server.lock'), String(process.pid));
    const before = await snapshot(file);
    const r = await runCli(['run', 'busy.csv'], env('busy-data'), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`rowshot: Another Rowshot process (pid ${process.pid}) is using ${path.join(dir, 'busy-data')}; stop it, use a different ROWSHOT_DATA_DIR, or send work to it with --server`);
    expect(await snapshot(file)).toEqual(before);
    // The workbook's own lock is released again.
    await expect(stat(path.join(dir, '.busy.csv.rowshot-lock'))).rejects.toThrow();
  }, 180_000);

  it('when another rowshot run (any data folder) holds the workbook, naming its pid and host; a dead owner\'s lock is taken over', async () => {
    const file = path.join(dir, 'shared.csv');
    await writeFile(file, TEXT);
    const lock = path.join(dir, '.shared.csv.rowshot-lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), dataDir: '/elsewhere/.rowshot', since: '2026-01-01T00:00:00.000Z' }));
    const before = await snapshot(file);
    const r = await runCli(['run', 'shared.csv'], env('other-data'), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `rowshot: shared.csv is being run by another Rowshot process (pid ${process.pid} on ${os.hostname()}, data folder /elsewhere/.rowshot, since 2026-01-01T00:00:00.000Z); wait for it or stop it. If that process no longer exists, delete ${lock}`,
    );
    expect(await snapshot(file)).toEqual(before);

    await writeFile(lock, JSON.stringify({ pid: await deadPid(), host: os.hostname(), dataDir: '/elsewhere/.rowshot', since: '2026-01-01T00:00:00.000Z' }));
    const ok = await runCli(['run', 'shared.csv'], env('other-data'), dir);
    expect(ok.stdout).toMatch(/2 done, 0 failed/);
    expect(ok.code).toBe(0);
    await expect(stat(lock)).rejects.toThrow();
  }, 180_000);

  it('when a read-only (0444) file, a folder named .csv or an xlsx without the --sheet asked for: one line each, nothing changed', async () => {
    const ro = path.join(dir, 'readonly.csv');
    await writeFile(ro, TEXT);
    await chmod(ro, 0o444);
    const before = await snapshot(ro);
    const r = await runCli(['run', 'readonly.csv'], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('rowshot: readonly.csv is read-only, so results could not be written; make it writable (chmod u+w) or copy it, then run again. Nothing was changed');
    expect(await snapshot(ro)).toEqual(before);
    expect((await stat(ro)).mode & 0o777).toBe(0o444);

    await mkdir(path.join(dir, 'folder.csv'));
    const folder = await runCli(['run', 'folder.csv'], env(), dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr.trim()).toBe('rowshot: "folder.csv" is a folder, not a file');

    await writeExampleWorkbooks(dir);
    const xlsx = path.join(dir, 'campaign.xlsx');
    const xBefore = await snapshot(xlsx);
    const sheet = await runCli(['run', 'campaign.xlsx', '--sheet', 'Nope'], env(), dir);
    expect(sheet.code).toBe(1);
    expect(sheet.stderr.trim().split('\n')).toHaveLength(1);
    expect(sheet.stderr).toMatch(/^rowshot: "campaign\.xlsx" .*Nope/);
    expect(await snapshot(xlsx)).toEqual(xBefore);
  }, 180_000);
});

describe('rowshot run --server refuses before it writes the workbook', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The server may write only inside its own data folder: the CLI's file is outside it.
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('when the server refuses the target: its reason, and the file is unchanged', async () => {
    const file = path.join(dir, 'remote.csv');
    await writeFile(file, TEXT);
    const before = await snapshot(file);
    const r = await runCli(['run', 'remote.csv', '--server', server.url, '--api-key', server.key], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is outside the folders this server may write to`);
    expect(r.stderr).toContain('Nothing was submitted and remote.csv is unchanged.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await snapshot(file)).toEqual(before);
    const list = (await (await server.api('/v1/batches')).json()) as { batches: unknown[] };
    expect(list.batches).toEqual([]);
  }, 180_000);
});
