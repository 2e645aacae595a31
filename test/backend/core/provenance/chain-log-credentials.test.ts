// The provenance log with Content Credentials: PNG and JPEG get a C2PA manifest after the XMP
// (WebP neither), the record's hashes cover the signed file and the image as made, a derived
// image names its parent by output hash (from memory, or from the stored record after a restart),
// a signing failure writes nothing and leaves no gap, and a provider's own manifest is kept.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { c2paContentCredentials } from '../../../../backend/src/adapters/c2pa/content-credentials';
import { LocalStore } from '../../../../backend/src/adapters/local/local-store';
import { systemClock } from '../../../../backend/src/core/clock';
import { createProvenanceLog, type RecordDraft } from '../../../../backend/src/core/provenance/chain-log';
import { checkChain } from '../../../../backend/src/core/provenance/check-chain';
import type { ContentCredentials, ContentCredentialsManifest } from '../../../../backend/src/core/provenance/content-credentials';
import { extractProvenance, hasC2paManifest, hasRowshotC2paManifest } from '../../../../backend/src/core/provenance/embed';
import { sha256 } from '../../../../backend/src/core/provenance/record';
import { createProvenanceSigner } from '../../../../backend/src/core/provenance/signer';
import { SOURCE_TYPES } from '../../../../backend/src/core/provenance/xmp';

const SECRET = 'a-test-signing-secret-of-32-characters!';
const signer = createProvenanceSigner(SECRET);

function draft(i: number, extra: Partial<RecordDraft> = {}): RecordDraft {
  return {
    actor: 'cli', assetKey: `tenants/t1/batches/b/assets/r${i}/g0/1x1-v1.png`, role: 'generated', batchId: 'b', rowId: `r${i}`, version: 1,
    aspectRatio: '1:1', variant: 1, parent: null, prompt: `p${i}`, negativePrompt: '', model: 'gemini-3.1-flash-image', modelVersion: null, providerResponseId: null,
    parameters: { imageSize: '1K', aspectRatio: '1:1', seed: 1, textMode: 'none' }, pack: null,
    inputs: { references: [], logoSha256: null, fonts: null }, overlay: null, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', costUsd: 0,
    ...extra,
  };
}

async function withStore<T>(fn: (store: LocalStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-prov-c2pa-'));
  try {
    return await fn(new LocalStore(dir, { fsync: false }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let real: ContentCredentials;
let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;
beforeAll(async () => {
  real = await c2paContentCredentials(SECRET, { claimGenerator: 'Rowshot 0.1.0' });
  const base = () => sharp({ create: { width: 48, height: 32, channels: 3, background: '#336699' } });
  [png, jpeg, webp] = await Promise.all([base().png().toBuffer(), base().jpeg().toBuffer(), base().webp().toBuffer()]);
});

/** The real signer, with every manifest it was asked for kept, and failures on demand. */
function spy(failNext = 0): ContentCredentials & { manifests: ContentCredentialsManifest[] } {
  const manifests: ContentCredentialsManifest[] = [];
  return {
    manifests,
    certificates: real.certificates,
    async sign(image, mimeType, manifest) {
      if (failNext-- > 0) throw new Error('signer unavailable');
      manifests.push(manifest);
      return real.sign(image, mimeType, manifest);
    },
  };
}

const append = (log: ReturnType<typeof createProvenanceLog>, d: RecordDraft, data: Buffer, mimeType: string, sourceType: string = SOURCE_TYPES.ai) =>
  log.append({ tenant: 't1', draft: d, image: { data, mimeType }, link: (k) => `https://rowshot.test/a/${k}`, sourceType });

describe('provenance log with Content Credentials', () => {
  it('signs PNG and JPEG after the XMP, leaves WebP alone, and names a parent by its output hash', async () => {
    await withStore(async (store) => {
      const credentials = spy();
      const log = createProvenanceLog(store, signer, systemClock, credentials);
      const made = await append(log, draft(1), png, 'image/png');
      const composite = await append(log, draft(2, { role: 'composite', parent: made.record.id, assetKey: 'tenants/t1/batches/b/assets/r1/g0/1x1-v1.png' }), png, 'image/png', SOURCE_TYPES.composite);
      const thumb = await append(log, draft(3, { role: 'thumbnail', parent: composite.record.id, assetKey: 'tenants/t1/batches/b/assets/r1/g0/1x1-v1-thumb.jpg' }), jpeg, 'image/jpeg', SOURCE_TYPES.composite);
      const small = await append(log, draft(4, { role: 'thumbnail', parent: made.record.id }), webp, 'image/webp');

      for (const [a, input] of [[made, png], [composite, png], [thumb, jpeg]] as const) {
        expect(hasRowshotC2paManifest(a.data)).toBe(true);
        expect(a.record.fileSha256).toBe(sha256(a.data));
        expect(a.record.outputSha256).toBe(sha256(input));
        const x = extractProvenance(a.data)!;
        expect(x.embedded.recordId).toBe(a.record.id);
        expect(x.stripped.equals(input)).toBe(true);
      }
      expect(small.data).toBe(webp);
      expect(small.record.fileSha256).toBe(small.record.outputSha256);

      expect(credentials.manifests).toEqual([
        {
          title: '1x1-v1.png', digitalSourceType: 'trainedAlgorithmicMedia', softwareAgent: { name: 'gemini-3.1-flash-image' },
          rowshot: { recordId: made.record.id, recordUrl: `https://rowshot.test/a/${made.key}`, outputSha256: made.record.outputSha256 },
        },
        {
          title: '1x1-v1.png', digitalSourceType: 'compositeWithTrainedAlgorithmicMedia', softwareAgent: { name: 'Rowshot text overlay' },
          parent: { title: '1x1-v1.png', mimeType: 'image/png', sha256: made.record.outputSha256 },
          rowshot: { recordId: composite.record.id, recordUrl: `https://rowshot.test/a/${composite.key}`, outputSha256: composite.record.outputSha256 },
        },
        expect.objectContaining({ title: '1x1-v1-thumb.jpg', parent: { title: '1x1-v1.png', mimeType: 'image/png', sha256: composite.record.outputSha256 } }),
      ]);

      // After a restart (nothing in memory), the parent comes from its stored record.
      const later = spy();
      const restarted = createProvenanceLog(store, signer, systemClock, later);
      await append(restarted, draft(5, { role: 'thumbnail', parent: made.record.id, assetKey: 'tenants/t1/batches/b/assets/r1/g0/x-thumb.jpg', modelVersion: 'v2' }), jpeg, 'image/jpeg');
      expect(later.manifests[0]?.parent).toEqual({ title: '1x1-v1.png', mimeType: 'image/png', sha256: made.record.outputSha256 });
      // A parent whose record cannot be found is not named (the record still links it).
      await append(restarted, draft(6, { parent: 'zzzzzzzzzz-99' }), png, 'image/png');
      expect(later.manifests[1]).not.toHaveProperty('parent');
      expect(later.manifests[1]?.softwareAgent).toEqual({ name: 'gemini-3.1-flash-image' });
    });
  });

  it('a signing failure writes no record and leaves no gap: the next append takes the same place', async () => {
    await withStore(async (store) => {
      const log = createProvenanceLog(store, signer, systemClock, spy(1));
      await expect(append(log, draft(1), png, 'image/png')).rejects.toThrow(/^Content Credentials for record [a-z0-9]+-1 could not be signed: signer unavailable$/);
      expect((await store.list('tenants/t1/provenance/', { maxResults: 10 })).keys).toEqual([]);
      const next = await append(log, draft(2), png, 'image/png');
      expect(next.record.chain.seq).toBe(1);
      const second = await append(log, draft(3), jpeg, 'image/jpeg');
      expect(second.record.chain).toMatchObject({ seq: 2, prev: next.record.hash });
      expect((await checkChain(store, signer, 't1', next.record.chain.shard)).problem).toBeNull();
    });
  });

  it("keeps a provider's own C2PA manifest: not signed over, not taken out with Rowshot's metadata", async () => {
    await withStore(async (store) => {
      // A caBX chunk before IDAT holding a `c2pa` JUMBF box that is not Rowshot's.
      const jumbf = Buffer.concat([Buffer.from([0, 0, 0, 40]), Buffer.from('jumb', 'latin1'), Buffer.from([0, 0, 0, 32]), Buffer.from('jumdc2pa', 'latin1'), Buffer.alloc(20)]);
      const body = Buffer.concat([Buffer.from('caBX', 'latin1'), jumbf]);
      const [len, crc] = [Buffer.alloc(4), Buffer.alloc(4)];
      len.writeUInt32BE(jumbf.length);
      crc.writeUInt32BE(crc32(body));
      const afterIhdr = 8 + 25;
      const theirs = Buffer.concat([png.subarray(0, afterIhdr), len, body, crc, png.subarray(afterIhdr)]);
      expect([hasC2paManifest(theirs), hasRowshotC2paManifest(theirs)]).toEqual([true, false]);

      const credentials = spy();
      const log = createProvenanceLog(store, signer, systemClock, credentials);
      const a = await append(log, draft(1), theirs, 'image/png');
      expect(credentials.manifests).toEqual([]);
      const x = extractProvenance(a.data)!;
      expect(x.embedded.recordId).toBe(a.record.id);
      expect(x.stripped.equals(theirs)).toBe(true);
      expect(sha256(x.stripped)).toBe(a.record.outputSha256);
    });
  });
});
