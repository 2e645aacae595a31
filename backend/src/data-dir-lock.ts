// One process at a time runs the queues of a data folder: the local queue and the fast
// takeover of a dead process's row claims both rely on it. A lock file holds the owner's pid;
// a lock left by a process that no longer exists (kill -9) is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pidAlive } from './pid-alive';

export class DataDirBusyError extends Error {}


export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new DataDirBusyError(
          `Another Rowshot process (pid ${pid}) is using ${dataDir}; stop it, use a different ROWSHOT_DATA_DIR, or send work to it with --server`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirBusyError(`Could not lock ${dataDir}`);
}
