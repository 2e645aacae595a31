// CacheService: entries expire by the fake clock. Apps Script keeps a value at most 6 hours,
// 10 minutes by default, and refuses values over 100 KB and keys over 250 characters.
import { exception, type Realm } from './realm';

export type CacheData = Map<string, { value: string; expiresAt: number }>;

const MAX_SECONDS = 21_600;
const MAX_VALUE_BYTES = 100 * 1024;
const MAX_KEY_CHARS = 250;

export class FakeCache {
  constructor(
    private readonly realm: Realm,
    private readonly now: () => number,
    readonly data: CacheData,
  ) {}

  get(key: string): string | null {
    const entry = this.data.get(String(key));
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.data.delete(String(key));
      return null;
    }
    return entry.value;
  }

  put(key: string, value: string, expirationInSeconds = 600): void {
    const k = String(key);
    if (k.length > MAX_KEY_CHARS) throw exception(this.realm, 'Argument too large: key');
    if (Buffer.byteLength(String(value)) > MAX_VALUE_BYTES) throw exception(this.realm, 'Argument too large: value');
    const seconds = Math.min(Math.max(1, expirationInSeconds), MAX_SECONDS);
    this.data.set(k, { value: String(value), expiresAt: this.now() + seconds * 1000 });
  }
}

export function createCacheService(realm: Realm, now: () => number, documentData: CacheData, scriptData: CacheData) {
  return {
    getDocumentCache: () => new FakeCache(realm, now, documentData),
    getScriptCache: () => new FakeCache(realm, now, scriptData),
  };
}
