// What the core keeps in memory between calls: budget leases, and caches of pack blobs, API
// keys, manifests and flush slots. One per Rowshot instance, made by the composition root and
// handed in through CoreDeps, so two instances in one process (tests, bench, playground) share
// nothing, not even a budget lease, and close() can stop every timer.
import { createLedgerState, type LedgerState } from './ledger';

export interface CoreState {
  ledger: LedgerState;
  /** Pack images, logos and fonts by blob key (content-addressed, so never stale), bounded in bytes. */
  packBlobs: { entries: Map<string, Buffer>; bytes: number };
  /** Known API keys by hash, for a short while. */
  apiKeys: Map<string, { at: number; found: { tenant: string; keyId: string; label: string; expiresAt: number | null } }>;
  /** Manifests by tenant/batch, for a second. */
  manifests: Map<string, { at: number; m: import('./batches/records').Manifest }>;
  /** Flush slots this process already enqueued, by tenant/batch. */
  flushSlots: Map<string, number>;
}

export function createCoreState(): CoreState {
  return { ledger: createLedgerState(), packBlobs: { entries: new Map(), bytes: 0 }, apiKeys: new Map(), manifests: new Map(), flushSlots: new Map() };
}
