// Appends provenance records to a tenant's hash chain without a hot object. Like the budget
// leases (ledger.ts), each process works on chains of its own: per tenant, up to MAX_SHARDS
// shards, each written by this process alone, strictly in order, create-only
// (`<shard>/<seq>.json` with `ifGenerationMatch: 0`). So a record costs exactly one write, no
// read and no compare-and-swap retry, and two writers can never fork a chain: a second write of
// the same sequence number fails its precondition. Every record carries the previous record's
// hash and is signed, so it is also the signed checkpoint of its chain up to itself.
import type { BlobStore } from '../../ports/blob-store';
import type { Clock } from '../clock';
import { getJson, putJson } from '../json-blobs';
import { randomId } from '../ids';
import { layout } from '../layout';
import { embedXmp, canEmbed } from './embed';
import { recordHash, sha256, type ProvenanceRecord, type RecordBody } from './record';
import type { ProvenanceSigner } from './signer';
import { xmpPacket } from './xmp';

/** Shards per tenant and process: appends to one shard wait for each other, so a few run side by side. */
const MAX_SHARDS = 8;

export type RecordDraft = Omit<RecordBody, 'v' | 'id' | 'tenant' | 'outputSha256' | 'fileSha256' | 'chain' | 'mimeType'>;

export interface AppendInput {
  tenant: string;
  draft: RecordDraft;
  image: { data: Buffer; mimeType: string };
  /** The capability link to a record key, embedded in the file (PNG and JPEG). */
  link: (recordKey: string) => string;
  /** IPTC digital source type written into the file. */
  sourceType: string;
}

export interface Appended {
  record: ProvenanceRecord;
  key: string;
  /** The file to store: the image with its XMP packet (or as it was, for WebP). */
  data: Buffer;
}

export interface ProvenanceLog {
  readonly signer: ProvenanceSigner;
  append(input: AppendInput): Promise<Appended>;
}

interface Shard {
  id: string;
  seq: number;
  head: string | null;
  pending: number;
  tail: Promise<unknown>;
}

export function createProvenanceLog(store: BlobStore, signer: ProvenanceSigner, clock: Clock): ProvenanceLog {
  const shards = new Map<string, Shard[]>();

  const pick = (tenant: string): Shard => {
    const list = shards.get(tenant) ?? [];
    shards.set(tenant, list);
    const idle = list.reduce<Shard | null>((best, s) => (best === null || s.pending < best.pending ? s : best), null);
    if (idle && (idle.pending === 0 || list.length >= MAX_SHARDS)) return idle;
    // Shard ids sort by when they were opened: base-36 time, then randomness.
    const shard: Shard = { id: `${clock.now().toString(36)}${randomId(6)}`, seq: 0, head: null, pending: 0, tail: Promise.resolve() };
    list.push(shard);
    return shard;
  };

  const write = async (shard: Shard, input: AppendInput, outputSha256: string): Promise<Appended> => {
    for (let attempt = 0; ; attempt++) {
      const seq = shard.seq + 1;
      const id = `${shard.id}-${seq}`;
      const key = layout.provenanceRecord(input.tenant, shard.id, seq);
      const data = canEmbed(input.image.mimeType)
        ? embedXmp(input.image.data, input.image.mimeType, xmpPacket({ recordId: id, tenant: input.tenant, outputSha256, recordUrl: input.link(key), digitalSourceType: input.sourceType }))
        : input.image.data;
      const body: RecordBody = {
        v: 1, id, tenant: input.tenant, ...input.draft, mimeType: input.image.mimeType, outputSha256, fileSha256: sha256(data),
        chain: { shard: shard.id, seq, prev: shard.head },
      };
      const hash = recordHash(body);
      const record: ProvenanceRecord = { ...body, hash, signature: { keyId: signer.key.keyId, alg: 'Ed25519', value: signer.sign(Buffer.from(hash, 'hex')) } };
      if ((await putJson(store, key, record, 0)) !== null) {
        shard.seq = seq;
        shard.head = hash;
        return { record, key, data };
      }
      // The key exists: an earlier write whose answer was lost landed after all. Continue after it.
      const found = await getJson<ProvenanceRecord>(store, key);
      if (!found || attempt >= 3) throw new Error(`provenance record ${id} could not be written`);
      shard.seq = seq;
      shard.head = found.value.hash;
    }
  };

  return {
    signer,
    append(input) {
      const outputSha256 = sha256(input.image.data);
      const shard = pick(input.tenant);
      shard.pending++;
      const run = shard.tail.then(() => write(shard, input, outputSha256));
      shard.tail = run.catch(() => undefined);
      return run.finally(() => {
        shard.pending--;
      });
    },
  };
}
