// BlobStore: every piece of state (manifests, row results, packs, assets, ledgers, the local
// queue) lives behind this port, with Cloud Storage semantics: opaque increasing generations,
// create-only writes (`ifGenerationMatch: 0`) and compare-and-swap on a generation.

/** Opaque, increasing per key across delete/re-create (Cloud Storage: an int64 as a string). */
export type Generation = string;

export interface BlobMeta {
  key: string;
  generation: Generation;
  size: number;
  contentType: string;
  /** ISO time of the last write. */
  updated: string;
}

export interface StoredBlob extends BlobMeta {
  data: Buffer;
}

export interface PutOptions {
  contentType?: string;
  /** `0`: only if the key does not exist (create-only). A generation: only if it is current. */
  ifGenerationMatch?: Generation | 0;
}

export type PutResult = { ok: true; generation: Generation } | { ok: false; reason: 'precondition_failed' };

export interface ListOptions {
  /** Keys strictly greater than this one (lexicographic). */
  startAfter?: string;
  maxResults?: number;
  pageToken?: string;
}

export interface ListPage {
  /** Lexicographically ordered full keys. */
  keys: string[];
  nextPageToken: string | null;
}

export interface BlobStore {
  get(key: string): Promise<StoredBlob | null>;
  stat(key: string): Promise<BlobMeta | null>;
  put(key: string, data: Buffer | string, options?: PutOptions): Promise<PutResult>;
  /** True when something was deleted; false when absent or the generation did not match. */
  delete(key: string, options?: { ifGenerationMatch?: Generation }): Promise<boolean>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /**
   * A short-lived direct download URL (Cloud Storage V4 signed URL), or null when the store
   * has none and the server streams the bytes itself (the local store).
   */
  signedReadUrl(key: string, ttlSeconds: number): Promise<string | null>;
}

/** Keys are `/`-separated segments of [A-Za-z0-9._=-]; no empty, `.` or `..` segment. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.endsWith('/')) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..' || !/^[A-Za-z0-9._=-]+$/.test(seg)) {
      throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
    }
  }
}
