// Appends provenance records to a tenant's hash chain without a hot object. Like the budget
// leases (ledger.ts), each process works on chains of its own: per tenant, up to MAX_SHARDS
// shards, each written by this process alone, strictly in order, create-only
// (`<shard>/<seq>.json` with `ifGenerationMatch: 0`). So a record costs exactly one write, no
// read and no compare-and-swap retry, and two writers can never fork a chain: a second write of
// the same sequence number fails its precondition. Every record carries the previous record's
// hash and is signed, so it is also the signed checkpoint of its chain up to itself.
//
// What a PNG or JPEG file gets, in this order: the output bytes (their SHA-256 is outputSha256),
// the record id (the next sequence number of the shard), the XMP packet, then a signed C2PA
// manifest (holding the record id, link and outputSha256, and the parent's output hash as its
// ingredient), then fileSha256 over those exact bytes; the record is written, and only then does
// the caller store the file.
import type { BlobStore } from '../../ports/blob-store';
import type { Clock } from '../clock';
import { getJson, putJson } from '../json-blobs';
import { randomId } from '../ids';
import { layout } from '../layout';
import { loadRecord } from './check-chain';
import { canSign, sourceTypeName, type ContentCredentials, type ContentCredentialsManifest } from './content-credentials';
import { embedXmp, canEmbed, hasC2paManifest } from './embed';
import { recordHash, sha256, type ProvenanceRecord, type RecordBody } from './record';
import type { ProvenanceSigner } from './signer';
import { xmpPacket } from './xmp';

/** Shards per tenant and process: appends to one shard wait for each other, so a few run side by side. */
const MAX_SHARDS = 8;
/** Recent records kept in memory to name a derived image's parent (its output hash) without a read. */
const PARENT_CACHE = 4096;

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
  /** The file to store: the image with its XMP packet and C2PA manifest (or as it was, for WebP). */
  data: Buffer;
}

export interface ProvenanceLog {
  readonly signer: ProvenanceSigner;
  append(input: AppendInput): Promise<Appended>;
}

/** A parent image as a C2PA ingredient names it. */
type Ingredient = NonNullable<ContentCredentialsManifest['parent']>;

/** What the manifest says besides the record's id and link (known before the record's place in the chain is). */
type ManifestPlan = Omit<ContentCredentialsManifest, 'rowshot'>;

interface Shard {
  id: string;
  seq: number;
  head: string | null;
  pending: number;
  tail: Promise<unknown>;
}

/**
 * `credentials`: signs a C2PA manifest into every PNG and JPEG (the composition root always
 * passes it; without it, files carry the XMP packet only).
 */
export function createProvenanceLog(store: BlobStore, signer: ProvenanceSigner, clock: Clock, credentials?: ContentCredentials): ProvenanceLog {
  const shards = new Map<string, Shard[]>();
  const recent = new Map<string, Ingredient>();

  const remember = (tenant: string, r: ProvenanceRecord): void => {
    recent.set(`${tenant}/${r.id}`, ingredientOf(r));
    if (recent.size > PARENT_CACHE) recent.delete(recent.keys().next().value as string);
  };

  /** The parent as an ingredient: from memory (it was just recorded), else from its stored record. */
  const parentOf = async (tenant: string, id: string): Promise<Ingredient | undefined> => {
    const known = recent.get(`${tenant}/${id}`);
    if (known) return known;
    const loaded = await loadRecord(store, tenant, id);
    // A parent whose record is gone or unreadable is not named; the record itself still links it.
    return loaded?.ok ? ingredientOf(loaded.record) : undefined;
  };

  const plan = async (input: AppendInput): Promise<ManifestPlan | null> => {
    if (!credentials || !canSign(input.image.mimeType)) return null;
    // A file that already carries a manifest (a provider's own) is not signed over: c2pa-ts would
    // replace that manifest, and the provider's credentials are not Rowshot's to drop.
    if (hasC2paManifest(input.image.data)) return null;
    const d = input.draft;
    const parent = d.parent === null ? undefined : await parentOf(input.tenant, d.parent);
    return {
      title: fileName(d.assetKey),
      digitalSourceType: sourceTypeName(input.sourceType),
      softwareAgent: softwareAgent(d),
      ...(parent ? { parent } : {}),
    };
  };

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

  const write = async (shard: Shard, input: AppendInput, outputSha256: string, manifest: ManifestPlan | null): Promise<Appended> => {
    for (let attempt = 0; ; attempt++) {
      const seq = shard.seq + 1;
      const id = `${shard.id}-${seq}`;
      const key = layout.provenanceRecord(input.tenant, shard.id, seq);
      const recordUrl = input.link(key);
      const mimeType = input.image.mimeType;
      let data = canEmbed(mimeType)
        ? embedXmp(input.image.data, mimeType, xmpPacket({ recordId: id, tenant: input.tenant, outputSha256, recordUrl, digitalSourceType: input.sourceType }))
        : input.image.data;
      if (credentials && manifest && canSign(mimeType)) {
        // A signing failure fails this append (nothing is written; the shard's next append takes
        // the same sequence number), and so the row's attempt, which is retried like a transient
        // provider failure. Storing the image without its Content Credentials instead would hand
        // out, silently, a file that lacks what every other file of the batch carries.
        try {
          data = await credentials.sign(data, mimeType, { ...manifest, rowshot: { recordId: id, recordUrl, outputSha256 } });
        } catch (err) {
          throw new Error(`Content Credentials for record ${id} could not be signed: ${(err as Error).message}`);
        }
      }
      const body: RecordBody = {
        v: 1, id, tenant: input.tenant, ...input.draft, mimeType: input.image.mimeType, outputSha256, fileSha256: sha256(data),
        chain: { shard: shard.id, seq, prev: shard.head },
      };
      const hash = recordHash(body);
      const record: ProvenanceRecord = { ...body, hash, signature: { keyId: signer.key.keyId, alg: 'Ed25519', value: signer.sign(Buffer.from(hash, 'hex')) } };
      if ((await putJson(store, key, record, 0)) !== null) {
        shard.seq = seq;
        shard.head = hash;
        remember(input.tenant, record);
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
    async append(input) {
      const outputSha256 = sha256(input.image.data);
      // Before the shard's queue: a parent read from the store does not hold up other appends.
      const manifest = await plan(input);
      const shard = pick(input.tenant);
      shard.pending++;
      const run = shard.tail.then(() => write(shard, input, outputSha256, manifest));
      shard.tail = run.catch(() => undefined);
      return run.finally(() => {
        shard.pending--;
      });
    },
  };
}

function ingredientOf(r: ProvenanceRecord): Ingredient {
  return { title: fileName(r.assetKey), mimeType: r.mimeType, sha256: r.outputSha256 };
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Who made the image: the model for a generated one; Rowshot's renderer for a template, a composite or a thumbnail. */
function softwareAgent(d: RecordDraft): ContentCredentialsManifest['softwareAgent'] {
  if (d.role === 'composite') return { name: 'Rowshot text overlay' };
  if (d.role === 'thumbnail') return { name: 'Rowshot thumbnailer' };
  if (d.model === 'template') return { name: 'Rowshot template renderer' };
  return d.modelVersion ? { name: d.model, version: d.modelVersion } : { name: d.model };
}
