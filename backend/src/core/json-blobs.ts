// Typed JSON on top of a BlobStore, with the compare-and-swap loop every shared record uses.
import type { BlobStore, Generation } from '../ports/blob-store';

export interface Versioned<T> {
  value: T;
  generation: Generation;
}

export async function getJson<T>(store: BlobStore, key: string): Promise<Versioned<T> | null> {
  const blob = await store.get(key);
  if (!blob) return null;
  return { value: JSON.parse(blob.data.toString('utf8')) as T, generation: blob.generation };
}

/** Writes JSON; `ifGenerationMatch: 0` = create-only. Returns the new generation or null on a lost race. */
export async function putJson(
  store: BlobStore,
  key: string,
  value: unknown,
  ifGenerationMatch?: Generation | 0,
): Promise<Generation | null> {
  const r = await store.put(key, JSON.stringify(value), {
    contentType: 'application/json',
    ...(ifGenerationMatch === undefined ? {} : { ifGenerationMatch }),
  });
  return r.ok ? r.generation : null;
}

/**
 * Read-modify-write with compare-and-swap, retried with jitter on a lost race. `update` returns
 * the new value, or `undefined` to leave the record as it is. Returns the value now stored.
 */
export async function updateJson<T>(
  store: BlobStore,
  key: string,
  update: (current: T | null) => T | undefined,
  attempts = 50,
): Promise<{ value: T | null; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const current = await getJson<T>(store, key);
    const next = update(current?.value ?? null);
    if (next === undefined) return { value: current?.value ?? null, changed: false };
    const gen = await putJson(store, key, next, current ? current.generation : 0);
    if (gen !== null) return { value: next, changed: true };
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 5 * 2 ** i)));
  }
  throw new Error(`too much contention updating ${key}`);
}
