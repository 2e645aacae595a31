// Where every record lives. Everything a tenant owns is under `tenants/<tenant>/`, and the
// only way to build such a key is through these functions, so isolation is structural.
import { createHash } from 'node:crypto';
import { pad } from './ids';

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** What newBatchId makes (ids.ts); anything else names no batch. */
export const BATCH_ID_PATTERN = /^b_[a-z0-9]{11,40}$/;

export function tenantRoot(tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) throw new Error(`invalid tenant id: ${JSON.stringify(tenant)}`);
  return `tenants/${tenant}`;
}

const PLAIN_SEGMENT = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
const ENCODED_MAX = 100;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * A Row ID as one safe key (and file or zip folder) segment, injective: two different Row IDs
 * never share a segment, also on case-insensitive file systems (macOS, Windows, unzip tools).
 *   - lower-case ids of [a-z0-9_-] (Rowshot's own `r_…` ones) stay as they are, unless they
 *     start with `x-` or `h-`, the prefixes of the two encoded forms;
 *   - anything else is `x-` + lower-case base32 of its UTF-8 (`a:` → `x-me5a`, `x-YTo` →
 *     `x-pawvsvdp`), or, when that would pass 100 characters, `h-` + base32 of its SHA-256.
 * The API refuses lone surrogates (row-id.ts), the only strings UTF-8 cannot tell apart.
 * Keys written before this rule (ids with upper case or starting `x-`) are kept in row records;
 * only a retry in flight of such a row regenerates its images instead of reusing them.
 */
export function rowSegment(rowId: string): string {
  if (PLAIN_SEGMENT.test(rowId) && !rowId.startsWith('x-') && !rowId.startsWith('h-')) return rowId;
  const encoded = base32(Buffer.from(rowId, 'utf8'));
  if (encoded.length + 2 <= ENCODED_MAX) return `x-${encoded}`;
  return `h-${base32(createHash('sha256').update(rowId, 'utf8').digest())}`;
}

export const layout = {
  apiKey: (keyHash: string) => `system/api-keys/${keyHash}.json`,
  apiKeyPrefix: 'system/api-keys/',
  tenant: (t: string) => `${tenantRoot(t)}/tenant.json`,
  dailyLedger: (t: string, day: string) => `${tenantRoot(t)}/ledger/daily-${day}.json`,
  idempotency: (t: string, keyHash: string) => `${tenantRoot(t)}/idempotency/${keyHash}.json`,
  batchIndexPrefix: (t: string) => `${tenantRoot(t)}/batch-index/`,
  batchIndex: (t: string, batchId: string) => `${tenantRoot(t)}/batch-index/${batchId}.json`,
  batch: (t: string, b: string) => `${tenantRoot(t)}/batches/${b}`,
  manifest: (t: string, b: string) => `${layout.batch(t, b)}/manifest.json`,
  inputChunk: (t: string, b: string, chunk: number) => `${layout.batch(t, b)}/input/${pad(chunk, 5)}.json`,
  row: (t: string, b: string, index: number) => `${layout.batch(t, b)}/rows/${pad(index)}.json`,
  rowsPrefix: (t: string, b: string) => `${layout.batch(t, b)}/rows/`,
  outboxPrefix: (t: string, b: string) => `${layout.batch(t, b)}/outbox/`,
  outbox: (t: string, b: string, index: number, rev: number) => `${layout.batch(t, b)}/outbox/${pad(index)}-${pad(rev, 4)}.json`,
  rowStates: (t: string, b: string) => `${layout.batch(t, b)}/row-states.json`,
  status: (t: string, b: string) => `${layout.batch(t, b)}/status.json`,
  flushLease: (t: string, b: string) => `${layout.batch(t, b)}/flush-lease.json`,
  ledger: (t: string, b: string) => `${layout.batch(t, b)}/ledger.json`,
  /** The batch's shared headline size per set (text-sets.ts), written once before rows are queued. */
  textSets: (t: string, b: string) => `${layout.batch(t, b)}/text-sets.json`,
  /** A row generation's images and thumbnails: `<size>-v<variant>.<ext>` (`1080x1350-v1.png`) and `…-thumb.<ext>`. */
  assets: (t: string, b: string, rowId: string, gen: number) => `${layout.batch(t, b)}/assets/${rowSegment(rowId)}/g${gen}/`,
  asset: (t: string, b: string, rowId: string, gen: number, ratio: string, variant: number, ext: string) =>
    `${layout.assets(t, b, rowId, gen)}${ratio.replace(':', 'x')}-v${variant}.${ext}`,
  assetThumb: (t: string, b: string, rowId: string, gen: number, ratio: string, variant: number, ext: string) =>
    `${layout.assets(t, b, rowId, gen)}${ratio.replace(':', 'x')}-v${variant}-thumb.${ext}`,
  packsPrefix: (t: string) => `${tenantRoot(t)}/packs/`,
  pack: (t: string, packId: string) => `${tenantRoot(t)}/packs/${packId}.json`,
  packName: (t: string, nameHash: string) => `${tenantRoot(t)}/pack-names/${nameHash}.json`,
  blob: (t: string, sha: string, ext: string) => `${tenantRoot(t)}/blobs/${sha}.${ext}`,
  blobThumb: (t: string, sha: string, ext: string) => `${tenantRoot(t)}/blobs/${sha}-thumb.${ext}`,
  /** Provenance records: one chain per shard (chain-log.ts), `<seq>` zero-padded so keys sort in chain order. */
  provenanceChains: (t: string) => `${tenantRoot(t)}/provenance/chains/`,
  provenanceShard: (t: string, shard: string) => `${tenantRoot(t)}/provenance/chains/${shard}/`,
  provenanceRecord: (t: string, shard: string, seq: number) => `${tenantRoot(t)}/provenance/chains/${shard}/${pad(seq, 12)}.json`,
  /** A row's revision for generation `gen`: the feedback and the images it edits. */
  revision: (t: string, b: string, index: number, gen: number) => `${layout.batch(t, b)}/revisions/${pad(index, 6)}-g${gen}.json`,
  /** A fetched Reference image link (by the link's SHA-256): which blob it was, and when (kept a day). */
  referenceLink: (t: string, urlSha: string) => `${tenantRoot(t)}/reference-links/${urlSha}.json`,
  /** An image uploaded ahead of `POST /v1/packs`: its blob keys and dimensions. */
  upload: (t: string, uploadId: string) => `${tenantRoot(t)}/uploads/${uploadId}.json`,
};

/** The tenant a key belongs to, or null for system keys. */
export function tenantOfKey(key: string): string | null {
  const m = /^tenants\/([^/]+)\//.exec(key);
  return m?.[1] ?? null;
}

export function extFor(mimeType: string): string {
  if (mimeType === 'image/jpeg') return 'jpg';
  if (mimeType === 'image/webp') return 'webp';
  return 'png';
}
