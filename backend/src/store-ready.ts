// /readyz: the store answers a list and, for a local data folder, takes a small write, so a
// read-only or full disk turns the server not-ready instead of answering batches with errors.
// (Cloud Storage is not written per probe: its per-object write rate is limited.)
import type { BlobStore } from './ports/blob-store';

export async function storeReady(store: BlobStore, probeWrite: boolean): Promise<boolean> {
  await store.list('system/', { maxResults: 1 });
  if (probeWrite) await store.put('system/ready-probe.json', '{}');
  return true;
}
