// Disk faults at the storage boundary: wraps the real store (through compose's `wrapStore`)
// and makes its writes fail as a full or read-only disk does, until `fault` is set back to null.
import type { BlobStore } from '../../../backend/src/ports/blob-store';

export type DiskFault = 'ENOSPC' | 'EROFS' | null;

export class FaultyStore {
  fault: DiskFault = null;

  wrap = (store: BlobStore): BlobStore => {
    const fail = (syscall: string, key: string): never => {
      const err = new Error(`${this.fault}: ${syscall} '${key}'`) as NodeJS.ErrnoException;
      err.code = this.fault as string;
      err.syscall = syscall;
      err.path = key;
      throw err;
    };
    return {
      get: (key) => store.get(key),
      stat: (key) => store.stat(key),
      list: (prefix, options) => store.list(prefix, options),
      signedReadUrl: (key, ttl) => store.signedReadUrl(key, ttl),
      put: async (key, data, options) => (this.fault ? fail('open', key) : store.put(key, data, options)),
      delete: async (key, options) => (this.fault ? fail('unlink', key) : store.delete(key, options)),
    };
  };
}
