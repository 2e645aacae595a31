// Crash-safe file replacement and a per-path lock. A reader (Excel, a sync client, another
// batch) sees either the old file or the new one, never a half-written one: the new bytes go
// to a temp file in the same folder, are fsync'd, then renamed over the target (rename is
// atomic within one file system), and the folder is fsync'd so the rename survives a crash.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits for the new file (default: the replaced file's, else 0o644). */
  mode?: number;
  /** fsync the data and the folder (default true). */
  durable?: boolean;
}

const TEMP_SUFFIX = '.rowshot-tmp';

function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

export async function atomicWriteFile(file: string, data: Buffer | string, options: AtomicWriteOptions = {}): Promise<void> {
  const durable = options.durable ?? true;
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = (await stat(file)).mode & 0o777;
    } catch {
      mode = 0o644;
    }
  }
  const tmp = tempNameFor(file);
  // 'wx': create exclusively, so a planted symlink at the temp name is never followed.
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(data);
      // open()'s mode is filtered by the umask. Best effort: FAT/exFAT and some network
      // shares refuse chmod, and a workbook there must still be writable.
      await fh.chmod(mode).catch(() => undefined);
      if (durable) await fh.sync().catch(ignoreUnsupported);
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  if (durable) await fsyncDir(path.dirname(file));
}

/** fsync is not supported on some file systems (EINVAL/ENOTSUP); any other error is real. */
function ignoreUnsupported(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EINVAL' && err.code !== 'ENOTSUP') throw err;
}

/** Makes a rename durable. Best effort: some platforms (Windows) cannot open a folder. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // not supported here; the rename itself is still atomic
  }
}

/** Removes temp files a crashed writer left next to `file` (older than `olderThanMs`). */
export async function removeStaleTemps(file: string, olderThanMs = 10 * 60_000): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  await Promise.all(
    names
      .filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX))
      .map(async (n) => {
        const p = path.join(dir, n);
        try {
          if (now - (await stat(p)).mtimeMs > olderThanMs) await rm(p, { force: true });
        } catch {
          // raced with another cleaner
        }
      }),
  );
}

const chains = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier `withPathLock` call for the same key has settled, so
 * read–modify–write cycles on one file never interleave within this process. Keys should
 * be real paths (symlinks resolved), so two spellings of one file share a lock.
 */
export async function withPathLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(key, tail);
  try {
    return await run;
  } finally {
    if (chains.get(key) === tail) chains.delete(key);
  }
}
