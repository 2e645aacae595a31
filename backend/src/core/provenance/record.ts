// The provenance record of one stored image (issue 13 §1) and how it is hashed. A record is
// immutable once written: its hash covers every field but `hash` and `signature`, in a
// canonical JSON form (keys sorted), so anyone can recompute it from the stored file.
import { createHash } from 'node:crypto';

export type ImageRole =
  /** The image as the model (or the template renderer) made it. */
  | 'generated'
  /** The final image with Rowshot's text and logo over a model's image (parent: the generated one). */
  | 'composite'
  /** A smaller copy for sheet cells (parent: the image it was made from). */
  | 'thumbnail';

export interface RecordBody {
  /** Record format version. */
  v: 1;
  /** `<shard>-<seq>`: where the record sits in its tenant's chain. */
  id: string;
  tenant: string;
  /** Who ran the batch: `api-key:<label> (<key id>)`, `google:<email>`, or `cli`. */
  actor: string | null;
  assetKey: string;
  role: ImageRole;
  batchId: string;
  rowId: string;
  /** The row's version: 1, then 2 for the images a retry made, …. */
  version: number;
  aspectRatio: string;
  variant: number;
  /** The record of the image this one was made from (composites, thumbnails), or null. */
  parent: string | null;
  prompt: string;
  negativePrompt: string;
  model: string;
  /** What the provider said it ran, when it says. */
  modelVersion: string | null;
  providerResponseId: string | null;
  /** `seed`: the one a model that takes a seed was given; `resizeMode`: how a row's further sizes were made (AI rows of several sizes). */
  parameters: { imageSize: string; aspectRatio: string; seed: number; textMode: string; resizeMode?: string };
  /** The reference pack: its id, brand kit version and when it last changed. */
  pack: { id: string; version: number; updatedAt: string } | null;
  inputs: {
    /** `source`: absent for a pack image; `row` for the row's own; `master` for the size a recomposed one was made from. */
    references: { sha256: string; mode: string; source?: string }[];
    logoSha256: string | null;
    fonts: { headlineSha256: string | null; sublineSha256: string | null } | null;
  };
  /** The text Rowshot drew (composites only). */
  overlay: { headline: string; subline: string } | null;
  startedAt: string;
  finishedAt: string;
  /** What the provider charged for this image (0 for composites and thumbnails). */
  costUsd: number;
  mimeType: string;
  /** SHA-256 of the image as made, before Rowshot's metadata was embedded (the "pixels"). */
  outputSha256: string;
  /** SHA-256 of the stored file, metadata included. */
  fileSha256: string;
  chain: { shard: string; seq: number; prev: string | null };
}

export interface ProvenanceRecord extends RecordBody {
  /** SHA-256 (hex) of the canonical JSON of the body. */
  hash: string;
  /** Ed25519 over the hash: every record is a signed checkpoint of its chain up to itself. */
  signature: { keyId: string; alg: 'Ed25519'; value: string };
}

/** JSON with object keys sorted at every level: the form a record hash is taken over. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function recordHash(body: RecordBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The body of a stored record (everything the hash covers). */
export function bodyOf(record: ProvenanceRecord): RecordBody {
  const { hash: _hash, signature: _signature, ...body } = record;
  return body;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const RECORD_ID = /^([a-z0-9]{8,40})-([1-9][0-9]{0,11})$/;

export function parseRecordId(id: string): { shard: string; seq: number } | null {
  const m = RECORD_ID.exec(id);
  return m ? { shard: m[1] as string, seq: Number(m[2]) } : null;
}

/** `…/provenance/chains/<shard>/<000000000042>.json` → `<shard>-42`. */
export function recordIdOfKey(key: string): string {
  const m = /\/provenance\/chains\/([a-z0-9]+)\/0*([1-9][0-9]*)\.json$/.exec(key);
  return m ? `${m[1]}-${m[2]}` : '';
}
