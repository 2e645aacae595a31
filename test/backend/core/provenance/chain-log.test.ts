// The chains under load and under tampering: 1,000 rows at concurrency 50 give chains with no
// fork and no gap; a changed record, a bad signature or a missing record is named.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../../../backend/src/adapters/local/local-store';
import { systemClock } from '../../../../backend/src/core/clock';
import { mapLimit } from '../../../../backend/src/core/concurrency';
import { createProvenanceLog, type Appended, type RecordDraft } from '../../../../backend/src/core/provenance/chain-log';
import { checkChain, listShards } from '../../../../backend/src/core/provenance/check-chain';
import type { ProvenanceRecord } from '../../../../backend/src/core/provenance/record';
import { createProvenanceSigner } from '../../../../backend/src/core/provenance/signer';
import type { ImageProvider } from '../../../../backend/src/ports/image-provider';
import { FakeProvider } from '../../../helpers/fake-provider';
import { startTestServer } from '../../../helpers/server';

const SECRET = 'a-test-signing-secret-of-32-characters!';

function draft(i: number): RecordDraft {
  return {
    actor: 'cli', assetKey: `tenants/t1/batches/b/assets/r${i}/g0/1x1-v1.png`, role: 'generated', batchId: 'b', rowId: `r${i}`, version: 1,
    aspectRatio: '1:1', variant: 1, parent: null, prompt: `p${i}`, negativePrompt: '', model: 'template', modelVersion: null, providerResponseId: null,
    parameters: { imageSize: '1K', aspectRatio: '1:1', seed: 1, textMode: 'none' }, pack: null,
    inputs: { references: [], logoSha256: null, fonts: null }, overlay: null, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', costUsd: 0,
  };
}

async function withStore<T>(fn: (store: LocalStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-prov-'));
  try {
    return await fn(new LocalStore(dir, { fsync: false }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const readRecord = async (store: LocalStore, key: string): Promise<ProvenanceRecord> => JSON.parse((await store.get(key))!.data.toString('utf8')) as ProvenanceRecord;

describe('provenance chains', () => {
  it('1,000 rows at concurrency 50: every image recorded once, chains with no fork and no gap', async () => {
    // Tiny images asked for at their own size (Sizes 64x64): no scaling work, the chains are what is measured.
    const tiny = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#884422' } }).png().toBuffer();
    const fake = new FakeProvider({ models: ['gemini-3.1-flash-image'], image: { data: tiny, width: 64, height: 64 } });
    // The first 50 calls are held until all 50 are in flight, so 50 rows store and record their images at once.
    let release: () => void = () => undefined;
    const wave = new Promise<void>((r) => (release = r));
    let arrived = 0;
    const provider: ImageProvider = {
      name: fake.name, models: fake.models,
      async generate(req) {
        if (++arrived <= 50) {
          if (arrived === 50) release();
          await wave;
        }
        return fake.generate(req);
      },
    };
    const s = await startTestServer(
      { ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none', ROWSHOT_ROW_CONCURRENCY: '50' },
      { providers: [provider] },
    );
    try {
      const input = Array.from({ length: 1000 }, (_, i) => ({ rowId: `r${i}`, cells: { Prompt: `shot ${i}`, Text: 'none', Sizes: '64x64' } }));
      const { id } = (await (await s.api('/v1/batches', { method: 'POST', json: { rows: input } })).json()) as { id: string };
      expect((await s.waitForBatch(id, 240_000)).counts.DONE).toBe(1000);
      expect(fake.calls).toHaveLength(1000);
      const store = s.rowshot.deps.store;
      const shards = await listShards(store, 'local');
      expect(shards.length).toBeGreaterThan(1);
      let total = 0;
      for (const shard of shards) {
        const c = await checkChain(store, s.rowshot.deps.provenance.signer, 'local', shard);
        expect(c.problem).toBeNull();
        total += c.checked + 1;
      }
      // One image and one thumbnail per row, each recorded exactly once (no fork: no asset twice).
      expect(total).toBe(2000);
      const assets = new Set<string>();
      for (let token: string | null | undefined; token !== null; ) {
        const page = await store.list('tenants/local/provenance/chains/', { maxResults: 1000, ...(token ? { pageToken: token } : {}) });
        for (const k of page.keys) assets.add((await readRecord(store as LocalStore, k)).assetKey);
        token = page.nextPageToken;
      }
      expect(assets.size).toBe(2000);
    } finally {
      await s.close();
    }
  }, 300_000);

  it('two processes on one tenant write separate chains, and a record key is never written twice', () =>
    withStore(async (store) => {
      const signer = createProvenanceSigner(SECRET);
      const a = createProvenanceLog(store, signer, systemClock);
      const b = createProvenanceLog(store, signer, systemClock);
      const image = { data: Buffer.from('not an image'), mimeType: 'image/webp' };
      const made = await mapLimit(Array.from({ length: 200 }, (_, i) => i), 50, (i) =>
        (i % 2 ? a : b).append({ tenant: 't1', draft: draft(i), image, link: (k) => `https://x/${k}`, sourceType: 'x' }));
      expect(new Set(made.map((m) => m.key)).size).toBe(200);
      const shards = await listShards(store, 't1');
      for (const shard of shards) expect((await checkChain(store, signer, 't1', shard)).problem).toBeNull();
      // Create-only: a second write of an existing record key is refused by the store.
      expect((await store.put(made[0]!.key, '{}', { ifGenerationMatch: 0 })).ok).toBe(false);
    }));

  it('names a changed record, a record whose hash was recomputed, a bad signature and a missing record', () =>
    withStore(async (store) => {
      const signer = createProvenanceSigner(SECRET);
      const log = createProvenanceLog(store, signer, systemClock);
      const image = { data: Buffer.from('x'), mimeType: 'image/webp' };
      const made: Appended[] = [];
      for (let i = 0; i < 5; i++) made.push(await log.append({ tenant: 't1', draft: draft(i), image, link: (k) => k, sourceType: 'x' }));
      const shard = made[0]!.record.chain.shard;
      expect(made.map((m) => m.record.chain.seq)).toEqual([1, 2, 3, 4, 5]);
      const key = (i: number) => made[i]!.key;
      const original = (await store.get(key(2)))!.data;

      // Edited bytes of record 3.
      const edited = { ...(await readRecord(store, key(2))), prompt: 'something else' };
      await store.put(key(2), JSON.stringify(edited));
      expect((await checkChain(store, signer, 't1', shard)).problem).toBe(`record ${shard}-3 was changed: its contents do not match its hash`);

      // Edited and re-hashed (and re-signed by another key): the signature, then the next link, gives it away.
      const { recordHash, bodyOf } = await import('../../../../backend/src/core/provenance/record');
      const rehashed = { ...edited, hash: recordHash(bodyOf(edited as ProvenanceRecord)) };
      await store.put(key(2), JSON.stringify(rehashed));
      expect((await checkChain(store, signer, 't1', shard)).problem).toBe(`record ${shard}-3 has a bad checkpoint signature (key ${signer.key.keyId})`);
      const forger = createProvenanceSigner('another-secret-of-at-least-32-chars!!');
      const resigned = { ...rehashed, signature: { ...rehashed.signature, value: forger.sign(Buffer.from(rehashed.hash, 'hex')) } };
      await store.put(key(2), JSON.stringify(resigned));
      expect((await checkChain(store, signer, 't1', shard)).problem).toBe(`record ${shard}-3 has a bad checkpoint signature (key ${signer.key.keyId})`);
      // A chain checked by the forger's key: record 3 is self-consistent, but record 4 still links to the old hash.
      const forgedAll = { ...resigned, signature: { keyId: forger.key.keyId, alg: 'Ed25519', value: forger.sign(Buffer.from(rehashed.hash, 'hex')) } };
      await store.put(key(2), JSON.stringify(forgedAll));
      expect((await checkChain(store, forger, 't1', shard, 3)).problem).toBe(`record ${shard}-4 is signed with key ${signer.key.keyId}, which is not this server's key (${forger.key.keyId})`);
      expect((await checkChain(store, signer, 't1', shard)).problem).toBe(`record ${shard}-3 is signed with key ${forger.key.keyId}, which is not this server's key (${signer.key.keyId})`);

      // Restored, then record 4 deleted: a gap.
      await store.put(key(2), original);
      expect((await checkChain(store, signer, 't1', shard)).problem).toBeNull();
      await store.delete(key(3));
      expect((await checkChain(store, signer, 't1', shard)).problem).toBe(`record ${shard}-4 is missing: the chain has a gap after record ${shard}-3`);
    }));
});
