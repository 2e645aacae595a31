// The document lock around everything that writes into a sheet: two syncs (or a sync and a
// Run) each rewrite blocks of cells they read earlier, so running them at once could put back
// stale cells.
import { AddonError } from './result';
import type { Services } from './services/ports';

export const LOCK_WAIT_MS = 20_000;

export function withDocumentLock<T>(s: Services, body: () => T, otherwise?: () => T, waitMs = LOCK_WAIT_MS): T {
  const lock = s.documentLock();
  if (!lock.tryLock(waitMs)) {
    if (otherwise) return otherwise();
    throw new AddonError('busy', 'Rowshot is busy writing into this spreadsheet (another run or sync): try again in a moment.');
  }
  try {
    return body();
  } finally {
    lock.release();
  }
}
