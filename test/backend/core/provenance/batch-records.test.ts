// Every stored image of a batch (sizes, variants, the model's image under an overlay, the
// composite, thumbnails, a v2 made by a retry) has a provenance record whose hashes match its
// bytes, with a parent link where it was made from another image.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../../shared/index';
import { extractProvenance } from '../../../../backend/src/core/provenance/embed';
import type { ProvenanceRecord } from '../../../../backend/src/core/provenance/record';
import { checkChain, listShards } from '../../../../backend/src/core/provenance/check-chain';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer } from '../../../helpers/server';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('provenance records of a batch', () => {
  it('records every stored image with matching hashes and parent links, v2 after a retry included', async () => {
    let failFlaky = true;
    const provider = new FakeProvider({
      name: 'scene-model', models: ['gemini-3.1-flash-image'],
      fail: (req) => (req.prompt === 'flaky shot' && failFlaky ? { ok: false, kind: 'permanent', reason: 'refused' } : null),
    });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const input = [
        { rowId: 'overlay', cells: { Prompt: 'a meadow', Headline: 'Hello', 'Aspect ratio': '1:1, 16:9', Variants: 2 } },
        { rowId: 'model-text', cells: { Prompt: 'a harbour', Headline: 'Ahoy', Text: 'model' } },
        { rowId: 'flaky', cells: { Prompt: 'flaky shot', Text: 'none' } },
      ];
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: input } });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      expect((await s.waitForBatch(id, 60_000)).counts).toMatchObject({ DONE: 2, FAILED: 1 });
      failFlaky = false;
      expect((await s.api(`/v1/batches/${id}/retry`, { method: 'POST' })).status).toBe(202);
      expect((await s.waitForBatch(id, 60_000)).counts).toMatchObject({ DONE: 3, FAILED: 0 });

      const store = s.rowshot.deps.store;
      const all = (await store.list('tenants/local/', { maxResults: 10_000 })).keys;
      const records = new Map<string, ProvenanceRecord>();
      for (const k of all.filter((k) => k.includes('/provenance/chains/'))) {
        const r = JSON.parse((await store.get(k))!.data.toString('utf8')) as ProvenanceRecord;
        records.set(r.id, r);
      }
      const byAsset = new Map([...records.values()].map((r) => [r.assetKey, r]));
      const assets = all.filter((k) => k.includes(`/batches/${id}/assets/`));
      // overlay row: 2 ratios × 2 variants × (model image, composite, thumbnail); the others: image + thumbnail.
      expect(assets).toHaveLength(12 + 2 + 2);
      expect(new Set(byAsset.keys())).toEqual(new Set(assets));

      for (const key of assets) {
        const file = (await store.get(key))!.data;
        const r = byAsset.get(key)!;
        expect(r.fileSha256).toBe(sha(file));
        const embedded = extractProvenance(file);
        if (r.mimeType === 'image/png' || r.mimeType === 'image/jpeg') {
          expect(embedded?.embedded.recordId).toBe(r.id);
          expect(embedded?.embedded.outputSha256).toBe(r.outputSha256);
          expect(sha(embedded!.stripped)).toBe(r.outputSha256);
        } else {
          expect(r.outputSha256).toBe(r.fileSha256);
        }
        expect(r.tenant).toBe('local');
        expect(r.actor).toMatch(/^api-key:local development key \(/);
        expect(r.batchId).toBe(id);
        if (r.role === 'thumbnail') {
          expect(key).toContain('-thumb.');
          const parent = records.get(r.parent!)!;
          expect(parent.assetKey).toBe(key.replace(/-thumb\.[a-z]+$/, `.${parent.assetKey.split('.').pop()}`));
        } else if (r.role === 'composite') {
          const parent = records.get(r.parent!)!;
          expect(parent.role).toBe('generated');
          expect(parent.assetKey).toBe(key.replace(/\.png$/, '.base.png'));
          expect(r.overlay).toEqual({ headline: 'Hello', subline: '' });
          expect(parent.costUsd).toBe(0.067);
          expect(r.costUsd).toBe(0);
        } else if (r.rowId === 'overlay' && r.parameters.aspectRatio === '16:9') {
          // Resize recompose: the second size was made from the first size's image of its variant.
          expect(r.role).toBe('generated');
          const master = records.get(r.parent!)!;
          expect(master).toMatchObject({ role: 'generated', variant: r.variant, parameters: { aspectRatio: '1:1' } });
          expect(r.inputs.references[0]).toMatchObject({ source: 'master', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
          expect(r.parameters.resizeMode).toBe('recompose');
        } else {
          expect(r.parent).toBeNull();
          expect(r.role).toBe('generated');
        }
      }
      const rowsOf = (rowId: string) => [...records.values()].filter((r) => r.rowId === rowId);
      expect(rowsOf('overlay').map((r) => r.parameters.aspectRatio).sort()).toEqual([...Array(6).fill('16:9'), ...Array(6).fill('1:1')]);
      expect(new Set(rowsOf('overlay').map((r) => r.variant))).toEqual(new Set([1, 2]));
      expect(rowsOf('overlay').every((r) => r.prompt === 'a meadow' && r.model === 'gemini-3.1-flash-image' && r.parameters.textMode === 'overlay')).toBe(true);
      expect(rowsOf('model-text').map((r) => r.role).sort()).toEqual(['generated', 'thumbnail']);
      expect(rowsOf('model-text').every((r) => r.overlay === null && r.parameters.textMode === 'model')).toBe(true);
      // The retried row was made in generation 2: its records say version 2.
      expect(rowsOf('flaky').map((r) => r.version)).toEqual([2, 2]);

      // Each row's images link to their records (assetId is the record id).
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      expect(page.rows.flatMap((r) => r.images)).toHaveLength(6);
      for (const img of page.rows.flatMap((r) => r.images)) {
        const rec = records.get(img.assetId!)!;
        expect(['composite', 'generated']).toContain(rec.role);
        expect(((await (await fetch(img.provenanceUrl!)).json()) as ProvenanceRecord).hash).toBe(rec.hash);
        const file = Buffer.from(await (await fetch(img.url)).arrayBuffer());
        expect(extractProvenance(file)?.embedded.recordId).toBe(rec.id);
      }

      // The published key verifies every record's signature (node's own Ed25519, not the server's signer).
      const keys = (await (await fetch(new URL('/v1/provenance/keys', s.url))).json()) as { keys: { keyId: string; publicKeyPem: string }[] };
      const pub = createPublicKey(keys.keys[0]!.publicKeyPem);
      for (const r of records.values()) {
        expect(r.signature.keyId).toBe(keys.keys[0]!.keyId);
        expect(verify(null, Buffer.from(r.hash, 'hex'), pub, Buffer.from(r.signature.value, 'base64url'))).toBe(true);
      }
      // And the chains hold.
      for (const shard of await listShards(store, 'local')) {
        expect((await checkChain(store, s.rowshot.deps.provenance.signer, 'local', shard)).problem).toBeNull();
      }

      // The zip export holds provenance.jsonl: the records of its images and of the AI images under composites.
      const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
      const lines = strFromU8(zip['provenance.jsonl']!).trim().split('\n').map((l) => JSON.parse(l) as ProvenanceRecord);
      const zipped = Object.keys(zip).filter((n) => n.startsWith('images/'));
      expect(zipped).toHaveLength(6);
      expect(lines.map((l) => l.role).sort()).toEqual([...Array(4).fill('composite'), ...Array(6).fill('generated')]);
      for (const l of lines) expect(l.hash).toBe(records.get(l.id)!.hash);
      for (const name of zipped) {
        const e = extractProvenance(Buffer.from(zip[name]!))!;
        expect(lines.find((l) => l.id === e.embedded.recordId)?.fileSha256).toBe(sha(Buffer.from(zip[name]!)));
      }

      // GET /v1/assets/:id/provenance: the composite's record with the model image it was made from.
      const composite = rowsOf('overlay').find((r) => r.role === 'composite')!;
      const got = await s.api(`/v1/assets/${composite.id}/provenance`);
      expect(got.status).toBe(200);
      const body = (await got.json()) as { record: ProvenanceRecord; ancestors: ProvenanceRecord[]; intact: boolean; recordUrl: string };
      expect(body.record.hash).toBe(composite.hash);
      expect(body.ancestors.map((a) => a.id)).toEqual([composite.parent]);
      expect(body.intact).toBe(true);
      // The record link opens the stored record without a login.
      const linked = await fetch(body.recordUrl);
      expect(((await linked.json()) as ProvenanceRecord).hash).toBe(composite.hash);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('shows a record only to its own tenant', async () => {
    const s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: 'none' });
    try {
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'a card', Model: 'template' })) } });
      const { id } = (await res.json()) as { id: string };
      await s.waitForBatch(id);
      const recKey = (await s.rowshot.deps.store.list('tenants/local/provenance/', { maxResults: 10 })).keys[0]!;
      const rec = JSON.parse((await s.rowshot.deps.store.get(recKey))!.data.toString('utf8')) as ProvenanceRecord;
      expect(rec.model).toBe('template');
      expect((await s.api(`/v1/assets/${rec.id}/provenance`)).status).toBe(200);
      const { createApiKey, ensureTenant } = await import('../../../../backend/src/core/tenants/tenants');
      await ensureTenant(s.rowshot.deps.store, 'other', s.rowshot.deps.clock);
      const other = await createApiKey(s.rowshot.deps.store, 'other', s.rowshot.deps.clock, 'other key');
      expect((await s.api(`/v1/assets/${rec.id}/provenance`, { key: other.key })).status).toBe(404);
      const bad = await s.api('/v1/assets/not-an-id!/provenance');
      expect(bad.status).toBe(400);
    } finally {
      await s.close();
    }
  }, 60_000);
});
