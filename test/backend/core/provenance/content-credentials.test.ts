// Content Credentials on a real batch: every stored PNG and JPEG (the model's image under an
// overlay, the composite, each size, thumbnails, a template image) carries a C2PA manifest that
// c2pa-rs (the CAI reference reader, as WASM: not the library that wrote it) calls Trusted with
// the CA from GET /v1/provenance/keys as its only anchor, naming the same record as the XMP, and
// a derived image's parent as its ingredient. One changed byte of pixel data: c2pa-rs says
// Invalid, and rowshot verify says the pixels do not match.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractProvenance, hasC2paManifest } from '../../../../backend/src/core/provenance/embed';
import type { ProvenanceRecord } from '../../../../backend/src/core/provenance/record';
import type { VerifyReport } from '../../../../backend/src/core/provenance/verify';
import { runCli } from '../../../helpers/cli';
import { FakeProvider } from '../../../helpers/fake-provider';
import { startTestServer } from '../../../helpers/server';

type Json = Record<string, unknown>;
interface Action { action: string; digitalSourceType?: string; softwareAgent?: Json; parameters?: { ingredients?: Array<{ url: string }> } }
interface Manifest { title?: string; assertions: Array<{ label: string; data: Json }>; ingredients?: Json[]; signature_info?: Json }
interface Store {
  active_manifest: string;
  manifests: Record<string, Manifest>;
  validation_state?: string;
  validation_results?: { activeManifest?: { failure: Array<{ code: string }> } };
}

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function readC2pa(mime: string, bytes: Buffer, anchorPem: string): Promise<Store> {
  const settings = JSON.stringify({ trust: { user_anchors: anchorPem }, verify: { verify_trust: true } });
  const reader = await WasmReader.fromBytes(mime, new Uint8Array(bytes), settings);
  try {
    return JSON.parse(reader.json()) as Store;
  } finally {
    reader.free();
  }
}
const activeOf = (s: Store): Manifest => s.manifests[s.active_manifest]!;
const failures = (s: Store): string[] => (s.validation_results?.activeManifest?.failure ?? []).map((f) => f.code);
const actionsOf = (m: Manifest): Action[] => (m.assertions.find((a) => a.label.startsWith('c2pa.actions'))?.data['actions'] ?? []) as Action[];

/** PNG chunks as [type, start, end). */
function pngChunks(png: Buffer): { type: string; start: number; end: number }[] {
  const out = [];
  for (let at = 8; at < png.length; ) {
    const end = at + 12 + png.readUInt32BE(at);
    out.push({ type: png.toString('latin1', at + 4, at + 8), start: at, end });
    at = end;
  }
  return out;
}

/** One byte of the compressed pixel data flipped; every metadata chunk kept. */
function flipPixelByte(png: Buffer): Buffer {
  const out = Buffer.from(png);
  const idat = pngChunks(out).find((c) => c.type === 'IDAT')!;
  const at = idat.start + 8 + 10; // past the chunk header and the zlib header
  out[at] = out[at]! ^ 0x01;
  return out;
}

beforeAll(() => {
  const require = createRequire(import.meta.url);
  initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
});

describe('Content Credentials in every stored image', () => {
  it('c2pa-rs trusts every PNG and JPEG of a batch with the published CA, names its record and parent, and rejects a changed pixel', async () => {
    const provider = new FakeProvider({ models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const input = [
        { rowId: 'overlay', cells: { Prompt: 'a meadow', Headline: 'Hello', 'Aspect ratio': '1:1, 16:9' } },
        { rowId: 'plain', cells: { Prompt: 'a lake', Text: 'none' } },
        { rowId: 'card', cells: { Prompt: 'a card', Model: 'template' } },
      ];
      const { id } = (await (await s.api('/v1/batches', { method: 'POST', json: { rows: input } })).json()) as { id: string };
      expect((await s.waitForBatch(id, 60_000)).counts).toMatchObject({ DONE: 3 });

      // The trust anchor, as anyone gets it: no login.
      const keys = (await (await fetch(new URL('/v1/provenance/keys', s.url))).json()) as { keys: unknown[]; c2pa: { caCertPem: string; leafCertPem: string } };
      expect(keys.keys).toHaveLength(1);
      expect(keys.c2pa.caCertPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(keys.c2pa.leafCertPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(keys.c2pa.leafCertPem).not.toBe(keys.c2pa.caCertPem);
      const anchor = keys.c2pa.caCertPem;

      const store = s.rowshot.deps.store;
      const all = (await store.list('tenants/local/', { maxResults: 10_000 })).keys;
      const records = new Map<string, ProvenanceRecord>();
      for (const k of all.filter((k) => k.includes('/provenance/chains/'))) {
        const r = JSON.parse((await store.get(k))!.data.toString('utf8')) as ProvenanceRecord;
        records.set(r.id, r);
      }
      const byAsset = new Map([...records.values()].map((r) => [r.assetKey, r]));
      const assets = all.filter((k) => k.includes(`/batches/${id}/assets/`));
      // overlay: 2 sizes × (model image, composite, thumbnail); plain and card: image + thumbnail.
      expect(assets).toHaveLength(6 + 2 + 2);

      const seen = new Map<string, number>();
      for (const key of assets) {
        const file = (await store.get(key))!.data;
        const r = byAsset.get(key)!;
        expect(['image/png', 'image/jpeg']).toContain(r.mimeType);
        seen.set(`${r.role} ${r.mimeType}`, (seen.get(`${r.role} ${r.mimeType}`) ?? 0) + 1);

        // The record's hashes: of the exact stored bytes, and of the image without XMP and C2PA.
        expect(r.fileSha256).toBe(sha(file));
        const xmp = extractProvenance(file)!;
        expect(xmp.embedded.recordId).toBe(r.id);
        expect(sha(xmp.stripped)).toBe(r.outputSha256);
        expect(hasC2paManifest(file)).toBe(true);
        expect(hasC2paManifest(xmp.stripped)).toBe(false);

        const c2pa = await readC2pa(r.mimeType, file, anchor);
        expect([key, c2pa.validation_state, failures(c2pa)]).toEqual([key, 'Trusted', []]);
        const m = activeOf(c2pa);
        expect(m.title).toBe(key.slice(key.lastIndexOf('/') + 1));
        expect(m.signature_info).toMatchObject({ common_name: 'Rowshot Content Credentials', alg: 'Ed25519' });
        expect(m.assertions.find((a) => a.label === 'com.rowshot.provenance')?.data).toEqual({
          recordId: xmp.embedded.recordId, recordUrl: xmp.embedded.recordUrl, outputSha256: r.outputSha256,
        });

        const sourceType = r.model === 'template' ? 'algorithmicMedia'
          : r.role === 'composite' || (r.role === 'thumbnail' && records.get(r.parent!)?.role === 'composite') ? 'compositeWithTrainedAlgorithmicMedia'
            : 'trainedAlgorithmicMedia';
        const actions = actionsOf(m);
        if (r.parent === null) {
          expect(m.ingredients ?? []).toEqual([]);
          expect(actions.map((a) => [a.action, a.digitalSourceType])).toEqual([['c2pa.created', `${IPTC}${sourceType}`]]);
        } else {
          // The image it was made from, named by that image's output hash (its record's outputSha256).
          const parent = records.get(r.parent)!;
          expect(m.ingredients).toEqual([expect.objectContaining({
            relationship: 'parentOf', format: parent.mimeType, instance_id: `xmp:iid:${parent.outputSha256}`,
            title: parent.assetKey.slice(parent.assetKey.lastIndexOf('/') + 1),
          })]);
          expect(actions.map((a) => [a.action, a.digitalSourceType])).toEqual([['c2pa.opened', undefined], ['c2pa.edited', `${IPTC}${sourceType}`]]);
        }
        if (r.role === 'composite') {
          const parent = records.get(r.parent!)!;
          expect(parent).toMatchObject({ role: 'generated', model: 'gemini-3.1-flash-image' });
          expect(actions[1]?.softwareAgent).toEqual({ name: 'Rowshot text overlay' });
        }
        if (r.role === 'generated' && r.parent === null && r.model !== 'template') expect(actions[0]?.softwareAgent).toEqual({ name: 'gemini-3.1-flash-image' });
      }
      // Composites, the AI images under them, other AI images and template images, JPEG thumbnails: all were read.
      expect(Object.fromEntries(seen)).toEqual({ 'generated image/png': 4, 'composite image/png': 2, 'thumbnail image/jpeg': 4 });

      // The final composite as served, then with one byte of its pixel data changed.
      const composite = [...records.values()].find((r) => r.role === 'composite')!;
      const file = (await store.get(composite.assetKey))!.data;
      const post = async (body: Buffer) => (await (await s.api('/v1/verify', { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'image/png' } })).json()) as VerifyReport;
      expect(await post(file)).toMatchObject({ ok: true, pixels: { match: true }, chain: { intact: true }, contentCredentials: 'present' });
      // Without the XMP packet (a tool dropped it) the C2PA manifest is taken off too, and the file is found by its hash.
      const itxt = pngChunks(file).find((c) => c.type === 'iTXt')!;
      const noXmp = Buffer.concat([file.subarray(0, itxt.start), file.subarray(itxt.end)]);
      expect(await post(noXmp)).toMatchObject({ ok: true, foundBy: 'hash', record: { id: composite.id }, contentCredentials: 'present' });
      expect(await post(extractProvenance(file)!.stripped)).toMatchObject({ ok: true, foundBy: 'hash', contentCredentials: 'absent' });

      const changed = flipPixelByte(file);
      const c2pa = await readC2pa('image/png', changed, anchor);
      expect(c2pa.validation_state).toBe('Invalid');
      expect(failures(c2pa)).toContain('assertion.dataHash.mismatch');
      const report = await post(changed);
      expect(report).toMatchObject({ ok: false, pixels: { match: false }, contentCredentials: 'present' });
      expect(report.problem).toMatch(/^pixels do not match: /);
      const bad = path.join(s.dataDir, 'changed.png');
      await writeFile(bad, changed);
      const cli = await runCli(['verify', bad], { ROWSHOT_DATA_DIR: s.dataDir, ROWSHOT_LOG_LEVEL: 'silent' }, s.dataDir);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^rowshot: verify failed: pixels do not match: /);
      expect(cli.stdout).toContain('Content Credentials: a C2PA manifest signed by this server');
    } finally {
      await s.close();
    }
  }, 180_000);
});
