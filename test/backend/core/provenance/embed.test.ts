// The XMP packet in PNG and JPEG: read back by sharp (libvips) and an independent XML parser,
// kept through a sharp re-encode, and taken out again to give the original bytes exactly.
import { XMLParser } from 'fast-xml-parser';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { canEmbed, embedXmp, extractProvenance, hasC2paManifest, hasRowshotC2paManifest, withoutRowshotC2pa } from '../../../../backend/src/core/provenance/embed';
import { SOURCE_TYPES, xmpPacket } from '../../../../backend/src/core/provenance/xmp';

const fields = { recordId: 'mx7u5pzdnr7ryi-42', tenant: 'acme', outputSha256: 'ab'.repeat(32), recordUrl: 'https://rowshot.example/a/x.y', digitalSourceType: SOURCE_TYPES.ai };

function described(xmp: Buffer): Record<string, string> {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xmp.toString('utf8')) as { 'x:xmpmeta': { 'rdf:RDF': { 'rdf:Description': Record<string, string> } } };
  return xml['x:xmpmeta']['rdf:RDF']['rdf:Description'];
}

describe('provenance metadata in files', () => {
  for (const [mime, encode] of [
    ['image/png', (s: Sharp) => s.png()],
    ['image/jpeg', (s: Sharp) => s.jpeg({ quality: 80 })],
  ] as const) {
    it(`${mime}: sharp and an XML parser read the packet; removing it gives the original bytes`, async () => {
      const original = await encode(sharp({ create: { width: 40, height: 30, channels: 3, background: '#a05020' } })).toBuffer();
      const withXmp = embedXmp(original, mime, xmpPacket({ ...fields, tenant: 'a&b "c"' }));
      const meta = await sharp(withXmp).metadata();
      expect(meta.width).toBe(40);
      const d = described(meta.xmp!);
      expect(d['rowshot:RecordId']).toBe('mx7u5pzdnr7ryi-42');
      expect(d['rowshot:Tenant']).toBe('a&b "c"');
      expect(d['rowshot:OutputSHA256']).toBe(fields.outputSha256);
      expect(d['rowshot:RecordURL']).toBe(fields.recordUrl);
      const back = extractProvenance(withXmp)!;
      expect(back.embedded).toEqual({ ...fields, tenant: 'a&b "c"' });
      expect(Buffer.compare(back.stripped, original)).toBe(0);
      // The pixels decode the same with and without the packet.
      expect(Buffer.compare(await sharp(withXmp).raw().toBuffer(), await sharp(original).raw().toBuffer())).toBe(0);
      // A sharp re-encode that keeps metadata keeps the packet (libvips writes PNG XMP as zTXt).
      const reencoded = await encode(sharp(withXmp).keepXmp()).toBuffer();
      expect(extractProvenance(reencoded)?.embedded.recordId).toBe('mx7u5pzdnr7ryi-42');
    });
  }

  it('leaves WebP files and files without a packet alone', async () => {
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).webp().toBuffer();
    expect(canEmbed('image/webp')).toBe(false);
    expect(embedXmp(webp, 'image/webp', xmpPacket(fields))).toBe(webp);
    expect(extractProvenance(webp)).toBeNull();
    const foreignXmp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>').toBuffer();
    expect(extractProvenance(foreignXmp)).toBeNull();
  });

  it("JPEG: takes out Rowshot's C2PA store spread over APP11 segments, and nothing else", async () => {
    const original = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#205080' } }).jpeg().toBuffer();
    const withXmp = embedXmp(original, 'image/jpeg', xmpPacket(fields));
    // JPEG XT APP11: "JP", box instance, sequence number, then the JUMBF box (its LBox/TBox repeated in each continuation).
    const app11 = (instance: number, seq: number, payload: Buffer): Buffer => {
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xffeb, 0);
      head.writeUInt16BE(2 + 8 + payload.length, 2);
      head.write('JP', 4, 'latin1');
      head.writeUInt16BE(instance, 6);
      head.writeUInt32BE(seq, 8);
      return Buffer.concat([head, payload]);
    };
    const box = (type: string, body: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(type, 'latin1'), body]);
    const jumd = (label: string) => box('jumd', Buffer.concat([Buffer.from(label.padEnd(16, '\0'), 'latin1')]));
    // Rowshot's store in two segments, its assertion label split across them.
    const ours = Buffer.concat([jumd('c2pa'), Buffer.from('... com.rowshot.prov', 'latin1')]);
    const rest = Buffer.from('enance ...', 'latin1');
    const header = box('jumb', Buffer.alloc(0));
    const oursSegs = [app11(7, 1, Buffer.concat([header, ours])), app11(7, 2, Buffer.concat([header, rest]))];
    // Someone else's store, and a JPEG XT box that is not C2PA.
    const theirs = app11(8, 1, Buffer.concat([header, jumd('c2pa'), Buffer.from('their claim', 'latin1')]));
    const other = app11(9, 1, Buffer.concat([header, jumd('othr'), Buffer.from('com.rowshot.provenance', 'latin1')]));
    const at = 2; // right after SOI, as c2pa-ts puts it in a JPEG without APP0 (sharp writes none)
    const file = Buffer.concat([withXmp.subarray(0, at), ...oursSegs, theirs, other, withXmp.subarray(at)]);
    expect([hasC2paManifest(file), hasRowshotC2paManifest(file)]).toEqual([true, true]);
    const back = extractProvenance(file)!;
    expect(back.embedded.recordId).toBe(fields.recordId);
    const expected = Buffer.concat([original.subarray(0, at), theirs, other, original.subarray(at)]);
    expect(back.stripped.equals(expected)).toBe(true);
    expect(withoutRowshotC2pa(file).equals(Buffer.concat([withXmp.subarray(0, at), theirs, other, withXmp.subarray(at)]))).toBe(true);
    expect(hasRowshotC2paManifest(back.stripped)).toBe(false);
    expect(hasC2paManifest(back.stripped)).toBe(true);
    expect(withoutRowshotC2pa(original)).toBe(original);
  });
});
