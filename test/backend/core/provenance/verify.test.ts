// rowshot verify and POST /v1/verify on a real batch's output: exit 0 for the image as stored
// (file, URL, or stripped of its metadata and found by hash); 1 naming the problem for one
// changed pixel, an edited record in the store, and a bad checkpoint signature. The embedded
// metadata is read back by sharp and parsed by an independent XML parser.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../../shared/index';
import { extractProvenance } from '../../../../backend/src/core/provenance/embed';
import { layout } from '../../../../backend/src/core/layout';
import { parseRecordId, type ProvenanceRecord } from '../../../../backend/src/core/provenance/record';
import type { VerifyReport } from '../../../../backend/src/core/provenance/verify';
import { runCli } from '../../../helpers/cli';
import { FakeProvider } from '../../../helpers/fake-provider';
import { startTestServer } from '../../../helpers/server';

describe('verify', () => {
  it('passes the stored image and names a changed pixel, an edited record and a bad signature', async () => {
    const provider = new FakeProvider({ models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const input = [{ rowId: 'a', cells: { Prompt: 'a meadow', Headline: 'Spring sale' } }, { rowId: 'b', cells: { Prompt: 'a lake', Text: 'none' } }];
      const { id } = (await (await s.api('/v1/batches', { method: 'POST', json: { rows: input } })).json()) as { id: string };
      expect((await s.waitForBatch(id, 60_000)).counts.DONE).toBe(2);
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      const rowA = page.rows.find((r) => r.rowId === 'a')!;
      const url = rowA.images[0]!.url;
      const file = Buffer.from(await (await fetch(url)).arrayBuffer());
      const env = { ROWSHOT_DATA_DIR: s.dataDir, ROWSHOT_LOG_LEVEL: 'silent' };
      const cli = (target: string) => runCli(['verify', target], env, s.dataDir);

      // sharp reads the XMP packet back, and a separate XML parser finds the record id, hash and link.
      const meta = await sharp(file).metadata();
      expect(meta.xmp).toBeDefined();
      const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(meta.xmp!.toString('utf8')) as Record<string, any>;
      const desc = xml['x:xmpmeta']['rdf:RDF']['rdf:Description'] as Record<string, string>;
      const embedded = extractProvenance(file)!.embedded;
      expect(desc['rowshot:RecordId']).toBe(embedded.recordId);
      expect(desc['rowshot:OutputSHA256']).toMatch(/^[0-9a-f]{64}$/);
      expect(desc['rowshot:RecordURL']).toMatch(/^http:\/\/localhost:\d+\/a\//);
      expect(desc['Iptc4xmpExt:DigitalSourceType']).toBe('http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia');
      // The metadata survives a round trip through sharp (keepXmp re-encodes the pixels, same XMP).
      const roundTrip = await sharp(file).keepXmp().png().toBuffer();
      expect(extractProvenance(roundTrip)?.embedded.recordId).toBe(embedded.recordId);

      const good = path.join(s.dataDir, 'good.png');
      await writeFile(good, file);
      let r = await cli(good);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Record ${embedded.recordId}: composite image of row a (v1) in batch ${id}`);
      expect(r.stdout).toMatch(/Chain: intact from this record to the latest signed checkpoint/);
      // By URL (the image's own capability link).
      r = await cli(url);
      expect(r.code).toBe(0);

      // One pixel changed; the metadata kept (as an editor keeps it).
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      data[0] = (data[0]! + 128) % 256;
      const changed = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png().withXmp(meta.xmp!.toString('utf8')).toBuffer();
      const bad = path.join(s.dataDir, 'changed.png');
      await writeFile(bad, changed);
      r = await cli(bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rowshot: verify failed: pixels do not match: the image's SHA-256 is [0-9a-f]{64}, record \S+ says [0-9a-f]{64}\n$/);

      // POST /v1/verify: the stored image passes; the file without its metadata is found by its hash.
      const post = async (body: Buffer) => (await (await s.api('/v1/verify', { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'image/png' } })).json()) as VerifyReport;
      expect(await post(file)).toMatchObject({ ok: true, foundBy: 'embedded-link', pixels: { match: true }, chain: { intact: true } });
      expect(await post(extractProvenance(file)!.stripped)).toMatchObject({ ok: true, foundBy: 'hash', record: { id: embedded.recordId } });
      expect(await post(changed)).toMatchObject({ ok: false, pixels: { match: false } });
      const empty = await s.api('/v1/verify', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(empty.status).toBe(415);

      // Edit one record's bytes in the store: verify names that record.
      const store = s.rowshot.deps.store;
      const at = parseRecordId(embedded.recordId)!;
      const key = layout.provenanceRecord('local', at.shard, at.seq);
      const original = (await store.get(key))!.data;
      const rec = JSON.parse(original.toString('utf8')) as ProvenanceRecord;
      await store.put(key, JSON.stringify({ ...rec, prompt: 'something nicer' }));
      r = await cli(good);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`rowshot: verify failed: record ${embedded.recordId} was changed: its contents do not match its hash\n`);
      await store.put(key, original);
      expect((await cli(good)).code).toBe(0);

      // A later record of the same chain with a bad checkpoint signature: named.
      const shardKeys = (await store.list(layout.provenanceShard('local', at.shard), { maxResults: 1000 })).keys;
      const lastKey = shardKeys.at(-1)!;
      const last = JSON.parse((await store.get(lastKey))!.data.toString('utf8')) as ProvenanceRecord;
      expect(last.chain.seq).toBeGreaterThan(at.seq);
      const sig = Buffer.from(last.signature.value, 'base64url');
      sig[0] = sig[0]! ^ 0xff;
      await store.put(lastKey, JSON.stringify({ ...last, signature: { ...last.signature, value: sig.toString('base64url') } }));
      r = await cli(good);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`rowshot: verify failed: record ${last.id} has a bad checkpoint signature (key ${s.rowshot.deps.provenance.signer.key.keyId})\n`);

      // A file Rowshot never made.
      const foreign = path.join(s.dataDir, 'foreign.png');
      await writeFile(foreign, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer());
      r = await cli(foreign);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/carries no Rowshot provenance metadata and its SHA-256 \([0-9a-f]{64}\) matches no record of tenant local/);
    } finally {
      await s.close();
    }
  }, 180_000);
});
