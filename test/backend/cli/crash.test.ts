// kill -9 in the middle of a batch, then the same command again: every row ends DONE, no image
// is generated twice, and the file is never left half-written.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../helpers/cli';

const storedImages = async (log: string) =>
  (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message: string; asset?: string; created?: boolean })
    .filter((e) => e.message === 'image stored');

describe('crash and restart', () => {
  it('survives kill -9 mid-batch', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-crash-'));
    const file = path.join(dir, 'cards.csv');
    const n = 60;
    await writeFile(file, `Name,Prompt,Headline\n${Array.from({ length: n }, (_, i) => `P${i},Card ${i},Hello P${i}`).join('\n')}\n`);
    const env = { ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_CLAIM_TTL_MS: '2000', ROWSHOT_ROW_CONCURRENCY: '2', ROWSHOT_FLUSH_INTERVAL_MS: '300', ROWSHOT_MIN_BACKOFF_MS: '100' };
    const log = path.join(dir, '.rowshot', 'rowshot.log');

    const first = startCli(['run', 'cards.csv'], env, dir);
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const stored = await storedImages(log).catch(() => []);
      if (stored.length >= 15) break;
    }
    first.child.kill('SIGKILL');
    await first.done;
    const before = (await storedImages(log)).length;
    expect(before).toBeGreaterThanOrEqual(15);
    expect(before).toBeLessThan(n);
    // The file is whole: every row is still there under its header.
    const mid = parse(await readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(mid).toHaveLength(n);

    const second = await runCli(['run', 'cards.csv'], env, dir);
    expect(second.stdout).toMatch(/Resuming batch/);
    expect(second.code).toBe(0);
    const rows = parse(await readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(n);
    expect(rows.every((r) => r.Status === 'DONE')).toBe(true);
    const created = (await storedImages(log)).filter((e) => e.created);
    expect(created).toHaveLength(n);
    expect(new Set(created.map((e) => e.asset)).size).toBe(n);
  }, 180_000);
});
