// One `rowshot run` per workbook, whichever data folder it uses: a lock file beside the
// workbook holds the owner's pid and host. A lock of a process known dead (same host, no such
// pid) is taken over; a live one is refused with a line naming it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from '../pid-alive';
import { RunRefused } from './cli-errors';

interface LockOwner {
  pid: number;
  host: string;
  dataDir: string;
  since: string;
}

export const workbookLockPath = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.rowshot-lock`);

export async function lockWorkbook(file: string, dataDir: string): Promise<() => Promise<void>> {
  const lock = workbookLockPath(file);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), dataDir, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lock, JSON.stringify(me), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
        throw new RunRefused(`${path.basename(file)}: its folder ${path.dirname(file)} is read-only, so results could not be written; nothing was changed`);
      }
      if (code !== 'EEXIST') throw err;
      const owner = parseOwner(await readFile(lock, 'utf8').catch(() => ''));
      if (owner && (owner.host !== me.host || (owner.pid !== process.pid && pidAlive(owner.pid)))) {
        throw new RunRefused(
          `${path.basename(file)} is being run by another Rowshot process (pid ${owner.pid} on ${owner.host}, data folder ${owner.dataDir}, since ${owner.since}); ` +
          `wait for it or stop it. If that process no longer exists, delete ${lock}`,
        );
      }
      // Dead owner, or a lock file left half-written by a crash: take it over.
      await rm(lock, { force: true });
    }
  }
  throw new RunRefused(`${path.basename(file)}: could not take its lock ${lock}`);
}

function parseOwner(text: string): LockOwner | null {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    return typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string'
      ? { pid: v.pid, host: v.host, dataDir: String(v.dataDir ?? '?'), since: String(v.since ?? '?') }
      : null;
  } catch {
    return null;
  }
}
