// Row tasks read their batch's manifest on every delivery; a short in-process cache saves a
// store read per row. A cancel is seen within MAX_AGE_MS (and at once in the process that made it).
import type { CoreDeps } from '../deps';
import { getJson } from '../json-blobs';
import { layout } from '../layout';
import type { Manifest } from './records';

const MAX_AGE_MS = 1000;

export async function cachedManifest(deps: CoreDeps, tenant: string, batchId: string): Promise<Manifest | null> {
  const cache = deps.state.manifests;
  const k = `${tenant}/${batchId}`;
  const hit = cache.get(k);
  const now = deps.clock.now();
  if (hit && now - hit.at < MAX_AGE_MS) return hit.m;
  const m = (await getJson<Manifest>(deps.store, layout.manifest(tenant, batchId)))?.value ?? null;
  if (cache.size > 1000) cache.clear();
  if (m) cache.set(k, { at: now, m });
  return m;
}

export function forgetManifest(deps: CoreDeps, tenant: string, batchId: string): void {
  deps.state.manifests.delete(`${tenant}/${batchId}`);
}
