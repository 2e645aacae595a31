// A full or read-only disk under the server's own storage is not a bug (500) but a state of
// the machine the client can wait out: 507 when full, 503 when it cannot be written.
import { AppError } from '../core/app-error';

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

/** The AppError for a storage error (Node's errno codes, also when wrapped as a cause), else null. */
export function storageFault(err: unknown): AppError | null {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') continue;
    if (FULL.has(code)) return new AppError('storage_full', "The server's storage is full; nothing was stored. Try again once space has been freed", { retryAfterSeconds: 60, cause: err });
    if (READ_ONLY.has(code)) return new AppError('unavailable', "The server's storage cannot be written (read-only or no permission); nothing was stored. Try again later", { retryAfterSeconds: 60, cause: err });
  }
  return null;
}
