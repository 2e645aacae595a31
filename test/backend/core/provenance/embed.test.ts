// The XMP packet in PNG and JPEG: read back by sharp (libvips) and an independent XML parser,
// kept through a sharp re-encode, and taken out again to give the original bytes exactly.
import { XMLParser } from 'fast-xml-parser';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { canEmbed, embedXmp, extractProvenance } from '../../../../backend/src/core/provenance/embed';
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
});
