// C2PA signing, checked by an independent validator: c2pa-rs (the CAI reference implementation,
// as WASM) must call our files Trusted with our CA as anchor, and reject tampering or another CA.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { c2paIdentity, type C2paIdentity } from '../../../../backend/src/adapters/c2pa/c2pa-identity';
import { signC2pa, type C2paManifestInput } from '../../../../backend/src/adapters/c2pa/c2pa-sign';

type Mime = C2paManifestInput['mimeType'];
type Json = Record<string, unknown>;
interface Action { action: string; digitalSourceType?: string; parameters?: { ingredients?: Array<{ url: string }> } }
// The parts of c2pa-rs's manifest-store JSON the tests look at.
interface Manifest { claim_generator_info?: Json[]; title?: string; assertions: Array<{ label: string; data: Json }>; ingredients?: Json[]; signature_info?: Json }
interface Store {
  active_manifest: string;
  manifests: Record<string, Manifest>;
  validation_state?: string;
  validation_results?: { activeManifest?: { failure: Array<{ code: string }> } };
}

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="rowshot-test"/></rdf:RDF></x:xmpmeta>';

async function read(mime: Mime, bytes: Buffer, anchorPem: string): Promise<Store> {
  const settings = JSON.stringify({ trust: { user_anchors: anchorPem }, verify: { verify_trust: true } });
  const reader = await WasmReader.fromBytes(mime, new Uint8Array(bytes), settings);
  const store = JSON.parse(reader.json()) as Store;
  reader.free(); // WASM-side memory
  return store;
}
function active(store: Store): Manifest {
  const manifest = store.manifests[store.active_manifest];
  if (!manifest) throw new Error('no active manifest');
  return manifest;
}
const actionsOf = (m: Manifest): Action[] =>
  (m.assertions.find((a) => a.label.startsWith('c2pa.actions'))?.data['actions'] ?? []) as Action[];
const failures = (store: Store): string[] => (store.validation_results?.activeManifest?.failure ?? []).map((f) => f.code);

async function image(mime: Mime, opts: { xmp?: XmpVia } = {}): Promise<Buffer> {
  let img = sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 80, b: 30 } } });
  if (opts.xmp === 'sharp') img = img.withXmp(XMP);
  const out = await (mime === 'image/png' ? img.png() : img.jpeg({ quality: 90 })).toBuffer();
  return opts.xmp === 'iTXt' ? withItxtXmp(out) : out;
}

// libvips writes PNG XMP as zTXt; the XMP spec's form is an uncompressed iTXt chunk, so make one.
type XmpVia = 'sharp' | 'iTXt';
function withItxtXmp(png: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from('iTXtXML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(XMP)]);
  const [length, crc] = [Buffer.alloc(4), Buffer.alloc(4)];
  length.writeUInt32BE(body.length - 4);
  crc.writeUInt32BE(crc32(body));
  const afterIhdr = 8 + 25;
  return Buffer.concat([png.subarray(0, afterIhdr), length, body, crc, png.subarray(afterIhdr)]);
}

interface Part { kind: string; bytes: Buffer }
/** Whole PNG chunks (length, type, data, CRC). */
function pngChunks(png: Buffer): Part[] {
  const parts: Part[] = [];
  for (let at = 8; at < png.length; ) {
    const end = at + 12 + png.readUInt32BE(at);
    parts.push({ kind: png.toString('latin1', at + 4, at + 8), bytes: png.subarray(at, end) });
    at = end;
  }
  return parts;
}
/** JPEG marker segments up to SOS, then the scan through EOI as one part. */
function jpegSegments(jpeg: Buffer): Part[] {
  const parts: Part[] = [];
  let at = 2;
  while (jpeg[at + 1] !== 0xda) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    parts.push({ kind: jpeg.toString('hex', at, at + 2), bytes: jpeg.subarray(at, end) });
    at = end;
  }
  return [...parts, { kind: 'scan', bytes: jpeg.subarray(at) }];
}
function input(mime: Mime, extra: Partial<C2paManifestInput> = {}): C2paManifestInput {
  return {
    claimGenerator: 'Rowshot 0.1.0',
    title: mime === 'image/png' ? 'row-7.png' : 'row-7.jpg',
    mimeType: mime,
    digitalSourceType: 'trainedAlgorithmicMedia',
    softwareAgent: { name: 'gemini-2.5-flash-image', version: '2.5' },
    rowshot: { recordId: 'rec_42', recordUrl: 'https://rowshot.test/p/rec_42', outputSha256: 'ab'.repeat(32) },
    ...extra,
  };
}

/** One byte of pixel data flipped: in PNG's compressed IDAT data, or in JPEG's entropy-coded scan. */
function tamper(mime: Mime, signed: Buffer): Buffer {
  const out = Buffer.from(signed);
  const pixels = (mime === 'image/png' ? pngChunks : jpegSegments)(out).find((p) => /^(IDAT|scan)$/.test(p.kind));
  if (!pixels) throw new Error('no pixel data');
  // Skip chunk header + zlib header / SOS header; avoid bytes whose flip would make or break a marker.
  let i = mime === 'image/png' ? 10 : 2 + pixels.bytes.readUInt16BE(2) + 8;
  while ((pixels.bytes[i] ?? 0) >= 0xfe || pixels.bytes[i - 1] === 0xff) i++;
  pixels.bytes[i] = (pixels.bytes[i] ?? 0) ^ 0x01;
  return out;
}

let identity: C2paIdentity;
beforeAll(async () => {
  const require = createRequire(import.meta.url);
  initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
  identity = await c2paIdentity('test-server-secret');
});

describe('c2paIdentity', () => {
  it('derives byte-identical certificates from the same secret, different ones from another', async () => {
    const pems = ({ caCertPem, leafCertPem }: C2paIdentity): string[] => [caCertPem, leafCertPem];
    expect(pems(await c2paIdentity('test-server-secret'))).toEqual(pems(identity));
    const [otherCa, otherLeaf] = pems(await c2paIdentity('another-secret'));
    expect(otherCa).not.toBe(identity.caCertPem);
    expect(otherLeaf).not.toBe(identity.leafCertPem);
  });

  it('issues a leaf from the CA, with the fixed validity window and organization', async () => {
    expect(await identity.leafCert.verify({ publicKey: identity.caCert, signatureOnly: true })).toBe(true);
    expect(identity.leafCert.issuer).toBe(identity.caCert.subject);
    expect(identity.leafCert.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(identity.caCert.notAfter.toISOString()).toBe('2046-01-01T00:00:00.000Z');
    const acme = await c2paIdentity('test-server-secret', { organization: 'Acme, Inc.' });
    expect(acme.leafCert.subject).toContain('Acme');
    expect(acme.leafCert.subject).toContain('CN=Rowshot Content Credentials');
  });
});

describe('signC2pa', () => {
  it.each<[Mime, C2paManifestInput['digitalSourceType']]>([
    ['image/png', 'trainedAlgorithmicMedia'],
    ['image/jpeg', 'trainedAlgorithmicMedia'],
    ['image/png', 'algorithmicMedia'],
  ])('signs a %s (%s) that c2pa-rs calls Trusted', async (mime, digitalSourceType) => {
    const manifestInput = input(mime, { digitalSourceType });
    const store = await read(mime, await signC2pa(identity, await image(mime), manifestInput), identity.caCertPem);
    expect([store.validation_state, failures(store)]).toEqual(['Trusted', []]);
    const manifest = active(store);
    expect(manifest.claim_generator_info?.[0]).toEqual({ name: 'Rowshot', version: '0.1.0' });
    expect(manifest.title).toBe(manifestInput.title);
    expect(manifest.signature_info).toMatchObject({ common_name: 'Rowshot Content Credentials', alg: 'Ed25519' });
    expect(actionsOf(manifest)).toEqual([
      { action: 'c2pa.created', digitalSourceType: `${IPTC}${digitalSourceType}`, softwareAgent: manifestInput.softwareAgent },
    ]);
    expect(manifest.assertions.find((a) => a.label === 'com.rowshot.provenance')?.data).toEqual(manifestInput.rowshot);
    expect(manifest.ingredients ?? []).toEqual([]);
  });

  it.each<Mime>(['image/png', 'image/jpeg'])('records a composite %s as opened parent + edited', async (mime) => {
    const background = await image('image/png');
    const parent = { title: 'background.png', mimeType: 'image/png', sha256: createHash('sha256').update(background).digest('hex') };
    const composite = input(mime, {
      digitalSourceType: 'compositeWithTrainedAlgorithmicMedia',
      softwareAgent: { name: 'Rowshot renderer', version: '0.1.0' },
      parent,
    });
    const store = await read(mime, await signC2pa(identity, await image(mime), composite), identity.caCertPem);
    expect(store.validation_state).toBe('Trusted');
    const manifest = active(store);
    const ingredient = { title: 'background.png', format: 'image/png', relationship: 'parentOf' };
    expect(manifest.ingredients).toEqual([expect.objectContaining({ ...ingredient, instance_id: `xmp:iid:${parent.sha256}` })]);
    const [opened, edited, ...rest] = actionsOf(manifest);
    expect(rest).toEqual([]);
    expect(opened?.action).toBe('c2pa.opened');
    expect(opened?.parameters?.ingredients?.[0]?.url).toMatch(/c2pa\.ingredient\.v3$/);
    expect(edited).toEqual({
      action: 'c2pa.edited',
      digitalSourceType: `${IPTC}compositeWithTrainedAlgorithmicMedia`,
      softwareAgent: { name: 'Rowshot renderer', version: '0.1.0' },
    });
  });

  it.each<Mime>(['image/png', 'image/jpeg'])('a %s with one pixel-data byte changed fails the data hash', async (mime) => {
    const signed = await signC2pa(identity, await image(mime), input(mime));
    const store = await read(mime, tamper(mime, signed), identity.caCertPem);
    expect(store.validation_state).toBe('Invalid');
    expect(failures(store)).toContain('assertion.dataHash.mismatch');
  });

  it('is not Trusted when the validator trusts a different CA', async () => {
    const mime = 'image/png';
    const stranger = await c2paIdentity('someone-else');
    const store = await read(mime, await signC2pa(identity, await image(mime), input(mime)), stranger.caCertPem);
    expect(store.validation_state).not.toBe('Trusted');
    expect(failures(store)).toContain('signingCredential.untrusted');
  });

  it.each<[string, Mime, XmpVia]>([
    ['PNG, XMP in an iTXt chunk', 'image/png', 'iTXt'],
    ['PNG, XMP as sharp writes it (zTXt)', 'image/png', 'sharp'],
    ['JPEG, XMP in APP1', 'image/jpeg', 'sharp'],
  ])('%s: every chunk/segment, the XMP and the pixels survive unchanged', async (_, mime, via) => {
    const original = await image(mime, { xmp: via });
    const xmpBefore = (await sharp(original).metadata()).xmp;
    expect(xmpBefore?.toString()).toContain('rowshot-test');
    const signed = await signC2pa(identity, original, input(mime));
    expect((await sharp(signed).metadata()).xmp).toEqual(xmpBefore);
    // Signing only adds its own container (PNG caBX chunk / JPEG APP11 segments), byte for byte.
    const parts = mime === 'image/png' ? pngChunks : jpegSegments;
    const added = mime === 'image/png' ? 'caBX' : 'ffeb';
    expect(parts(signed).filter((p) => p.kind !== added)).toEqual(parts(original));
    expect(parts(signed).some((p) => p.kind === added)).toBe(true);
    if (via === 'iTXt') expect(parts(original).map((p) => p.kind)).toContain('iTXt');
    const [before, after] = await Promise.all([original, signed].map((b) => sharp(b).raw().toBuffer()));
    expect(after?.equals(before ?? Buffer.alloc(0))).toBe(true);
    expect((await read(mime, signed, identity.caCertPem)).validation_state).toBe('Trusted');
  });

  it('refuses an image that already carries a manifest, and bytes of another format', async () => {
    const png = await image('image/png');
    const signed = await signC2pa(identity, png, input('image/png'));
    await expect(signC2pa(identity, signed, input('image/png'))).rejects.toThrow(/already carries/);
    await expect(signC2pa(identity, png, input('image/jpeg'))).rejects.toThrow(/not image\/jpeg/);
  });

  it('signs a 1080x1350 PNG in measured time (median of 10)', async () => {
    // Noise compresses badly: a worst-case-sized PNG, so the hashing cost is not understated.
    const noise = Buffer.alloc(1080 * 1350 * 3);
    for (let i = 0, x = 12345; i < noise.length; i++) noise[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const png = await sharp(noise, { raw: { width: 1080, height: 1350, channels: 3 } }).png().toBuffer();
    const times: number[] = [];
    let signed: Buffer = png;
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      signed = await signC2pa(identity, png, input('image/png'));
      times.push(performance.now() - start);
    }
    const [min, , , , m1, m2, , , , max] = times.sort((a, b) => a - b).map((t) => t.toFixed(1));
    const size = `${(png.length / 1e6).toFixed(2)} MB, manifest +${signed.length - png.length} B`;
    console.log(`c2pa sign 1080x1350 PNG (${size}): median of ${m1}/${m2} ms, min ${min} ms, max ${max} ms`);
    expect((await read('image/png', signed, identity.caCertPem)).validation_state).toBe('Trusted');
  });
});
