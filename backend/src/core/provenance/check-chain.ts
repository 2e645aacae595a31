// Checks a record and its chain. A record is intact when its body still hashes to its `hash`
// and its signature verifies with the server key; a chain is intact from a record to its
// latest record (the latest signed checkpoint) when every following record exists, in order,
// and links to the hash of the one before. Problems are named after the first broken link.
import type { BlobStore } from '../../ports/blob-store';
import { layout } from '../layout';
import { bodyOf, parseRecordId, recordHash, type ProvenanceRecord } from './record';
import type { ProvenanceSigner } from './signer';

export type Loaded = { ok: true; record: ProvenanceRecord } | { ok: false; problem: string };

export async function loadRecord(store: BlobStore, tenant: string, id: string): Promise<Loaded | null> {
  const at = parseRecordId(id);
  if (!at) return null;
  return loadKey(store, layout.provenanceRecord(tenant, at.shard, at.seq), id);
}

async function loadKey(store: BlobStore, key: string, id: string): Promise<Loaded | null> {
  const blob = await store.get(key);
  if (!blob) return null;
  try {
    const record = JSON.parse(blob.data.toString('utf8')) as ProvenanceRecord;
    if (typeof record !== 'object' || record === null || typeof record.hash !== 'string' || typeof record.chain !== 'object') throw new Error('not a record');
    return { ok: true, record };
  } catch {
    return { ok: false, problem: `record ${id} was changed: it is no longer a readable record` };
  }
}

/** Why a record cannot be trusted on its own, or null when it can. */
export function recordProblem(signer: ProvenanceSigner, r: ProvenanceRecord): string | null {
  if (recordHash(bodyOf(r)) !== r.hash) return `record ${r.id} was changed: its contents do not match its hash`;
  const sig = r.signature;
  if (sig?.keyId !== signer.key.keyId) return `record ${r.id} is signed with key ${String(sig?.keyId)}, which is not this server's key (${signer.key.keyId})`;
  if (!signer.verify(sig.keyId, Buffer.from(r.hash, 'hex'), sig.value)) return `record ${r.id} has a bad checkpoint signature (key ${sig.keyId})`;
  return null;
}

export interface ChainCheck {
  /** The first broken link, or null when the chain holds up to its latest record. */
  problem: string | null;
  /** The latest record of the chain, whose signature is the latest checkpoint. */
  latest: { id: string; hash: string } | null;
  /** Records read after the starting one. */
  checked: number;
}

const PAGE = 1000;

/** Walks a shard's chain from record `fromSeq` (1: the whole chain) to its latest record. */
export async function checkChain(store: BlobStore, signer: ProvenanceSigner, tenant: string, shard: string, fromSeq = 1): Promise<ChainCheck> {
  const prefix = layout.provenanceShard(tenant, shard);
  let prev: ProvenanceRecord | null = null;
  let expected = fromSeq;
  let checked = 0;
  let pageToken: string | undefined;
  const startAfter = fromSeq > 1 ? layout.provenanceRecord(tenant, shard, fromSeq - 1) : undefined;
  for (;;) {
    const page = await store.list(prefix, { maxResults: PAGE, ...(pageToken ? { pageToken } : startAfter ? { startAfter } : {}) });
    for (const key of page.keys) {
      const seq = Number(key.slice(prefix.length).replace(/\.json$/, ''));
      const id = `${shard}-${seq}`;
      if (seq !== expected) {
        const missing = `${shard}-${expected}`;
        return { problem: prev ? `record ${missing} is missing: the chain has a gap after record ${prev.id}` : `record ${missing} is missing`, latest: null, checked };
      }
      const loaded = await loadKey(store, key, id);
      if (!loaded) continue;
      if (!loaded.ok) return { problem: loaded.problem, latest: null, checked };
      const r = loaded.record;
      const own = r.id !== id || r.chain.shard !== shard || r.chain.seq !== seq ? `record ${id} was changed: it names another place in the chain (${r.id})` : recordProblem(signer, r);
      if (own) return { problem: own, latest: null, checked };
      if (prev === null && seq === 1 && r.chain.prev !== null) return { problem: `record ${id} was changed: the first record of a chain links to no earlier one`, latest: null, checked };
      if (prev !== null && r.chain.prev !== prev.hash) {
        return { problem: `record ${prev.id} was changed: its hash does not match the next record's link`, latest: null, checked };
      }
      prev = r;
      expected++;
      checked++;
    }
    if (!page.nextPageToken) break;
    pageToken = page.nextPageToken;
  }
  if (prev === null) return { problem: `record ${shard}-${fromSeq} was not found`, latest: null, checked };
  return { problem: null, latest: { id: prev.id, hash: prev.hash }, checked: checked - 1 };
}

/** Every shard of a tenant's chains (by listing the records). */
export async function listShards(store: BlobStore, tenant: string): Promise<string[]> {
  const prefix = layout.provenanceChains(tenant);
  const shards = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    const page = await store.list(prefix, { maxResults: PAGE, ...(pageToken ? { pageToken } : {}) });
    for (const k of page.keys) shards.add(k.slice(prefix.length).split('/')[0] as string);
    if (!page.nextPageToken) break;
    pageToken = page.nextPageToken;
  }
  return [...shards].sort();
}
