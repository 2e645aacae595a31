// Where every record lives. Everything a tenant owns is under `tenants/<tenant>/`, and the
// only way to build such a key is through these functions, so isolation is structural.
import { pad } from './ids';

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function tenantRoot(tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) throw new Error(`invalid tenant id: ${JSON.stringify(tenant)}`);
  return `tenants/${tenant}`;
}

/**
 * A Row ID as one safe key (and file) segment: simple ids stay readable, anything else (`:`,
 * spaces, `..`, non-ASCII) is base64url-encoded, so no Row ID can break or escape a path.
 */
export function rowSegment(rowId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(rowId) ? rowId : `x-${Buffer.from(rowId, 'utf8').toString('base64url')}`;
}

export const layout = {
  apiKey: (keyHash: string) => `system/api-keys/${keyHash}.json`,
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
  /** A row generation's images and thumbnails: `<ratio>-v<variant>.<ext>` and `…-thumb.<ext>`. */
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
