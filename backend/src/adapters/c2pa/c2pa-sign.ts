// Embeds a signed C2PA manifest (Content Credentials) into a PNG or JPEG with @trustnxt/c2pa-ts
// (pure TypeScript). Validated against c2pa-rs in the tests, which is stricter than c2pa-ts's
// own reader: see the signer below.
import { createHash, randomUUID, sign } from 'node:crypto';
import { JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { CoseAlgorithmIdentifier, type Signer } from '@trustnxt/c2pa-ts/cose';
import { Crypto, type CryptoProvider, type HashAlgorithm } from '@trustnxt/c2pa-ts/crypto';
import { CBORBox, type IBox } from '@trustnxt/c2pa-ts/jumbf';
import {
  ActionAssertion,
  ActionType,
  Assertion,
  ClaimVersion,
  DataHashAssertion,
  DigitalSourceType,
  IngredientAssertion,
  ManifestStore,
  RelationshipType,
  type Action,
} from '@trustnxt/c2pa-ts/manifest';
import type { C2paIdentity } from './c2pa-identity';

export interface C2paManifestInput {
  /** e.g. 'Rowshot 0.1.0': a trailing version token becomes claim_generator_info.version. */
  claimGenerator: string;
  /** File name. */
  title: string;
  mimeType: 'image/png' | 'image/jpeg';
  /**
   * IPTC digital source type: 'trainedAlgorithmicMedia' (AI image),
   * 'compositeWithTrainedAlgorithmicMedia' (Rowshot's text over an AI image),
   * 'algorithmicMedia' (template renderer).
   */
  digitalSourceType: 'trainedAlgorithmicMedia' | 'compositeWithTrainedAlgorithmicMedia' | 'algorithmicMedia';
  /** The model or renderer, as the action's softwareAgent. */
  softwareAgent: { name: string; version?: string };
  /**
   * For a composite or derived image: the image it was made from, recorded as a parentOf
   * ingredient (title, format, instanceID `xmp:iid:<sha256>`; no embedded data or manifest).
   */
  parent?: { title: string; mimeType: string; sha256: string };
  /** Rowshot's own provenance record, as the custom assertion 'com.rowshot.provenance'. */
  rowshot: { recordId: string; recordUrl: string; outputSha256: string };
}

export const ROWSHOT_PROVENANCE_LABEL = 'com.rowshot.provenance';

// JUMBF content type of a CBOR assertion (C2PA spec, "cbor" + ISO suffix).
const CBOR_ASSERTION_UUID = new Uint8Array(Buffer.from('63626f72001100108000' + '00aa00389b71', 'hex'));

const SIGNATURE_PADDING = 1024;

/**
 * c2pa-ts hashes through WebCrypto, and its streaming digest first copies every fragment into one
 * buffer (for a 3 MB PNG: a 3 MB copy, then WebCrypto's own copy). node:crypto's incremental
 * hash reads the fragments where they are. Signing and verifying stay with c2pa-ts's provider.
 */
function nodeHashing(base: CryptoProvider): CryptoProvider {
  const nodeName = (algorithm: HashAlgorithm): string => algorithm.replace('-', '').toLowerCase();
  return {
    digest: async (data, algorithm) => new Uint8Array(createHash(nodeName(algorithm)).update(data).digest()),
    streamingDigest: (algorithm) => {
      const hash = createHash(nodeName(algorithm));
      return { update: (data) => void hash.update(data), final: async () => new Uint8Array(hash.digest()) };
    },
    verifySignature: (...args) => base.verifySignature(...args),
    sign: (...args) => base.sign(...args),
    getRandomValues: (count) => base.getRandomValues(count),
  };
}
const NODE_HASHING = Symbol.for('rowshot.c2pa.nodeHashing');
if (!(NODE_HASHING in Crypto.provider)) Crypto.provider = Object.assign(nodeHashing(Crypto.provider), { [NODE_HASHING]: true });

const SOURCE_TYPES: Record<C2paManifestInput['digitalSourceType'], DigitalSourceType> = {
  trainedAlgorithmicMedia: DigitalSourceType.TrainedAlgorithmicMedia,
  compositeWithTrainedAlgorithmicMedia: DigitalSourceType.CompositeWithTrainedAlgorithmicMedia,
  algorithmicMedia: DigitalSourceType.AlgorithmicMedia,
};

/** Write-only: Rowshot never reads its own assertion back through c2pa-ts. */
class RowshotProvenanceAssertion extends Assertion {
  override label = ROWSHOT_PROVENANCE_LABEL;
  override uuid = CBOR_ASSERTION_UUID;

  constructor(private readonly record: C2paManifestInput['rowshot']) {
    super();
  }

  readContentFromJUMBF(): void {
    throw new Error(`${ROWSHOT_PROVENANCE_LABEL}: reading is not supported`);
  }

  generateJUMBFBoxForContent(): IBox {
    const box = new CBORBox();
    const { recordId, recordUrl, outputSha256 } = this.record;
    box.content = { recordId, recordUrl, outputSha256 };
    return box;
  }
}

/**
 * Our own Signer instead of c2pa-ts's LocalSigner: LocalSigner DER-encodes ECDSA signatures,
 * which c2pa-rs rejects. Ed25519 via node:crypto has a single encoding and is deterministic.
 */
function identitySigner(identity: C2paIdentity): Signer {
  return {
    algorithm: CoseAlgorithmIdentifier.Ed25519,
    certificate: identity.leafCert,
    chainCertificates: [identity.caCert],
    sign: async (payload) => new Uint8Array(sign(null, payload, identity.leafKey)),
  };
}

function generatorInfo(claimGenerator: string): { name: string; version?: string } {
  const match = /^(.*\S)\s+v?(\d[\w.+-]*)$/.exec(claimGenerator.trim());
  return match?.[1] && match[2] ? { name: match[1], version: match[2] } : { name: claimGenerator.trim() };
}

function openAsset(image: Buffer, mimeType: C2paManifestInput['mimeType']): PNG | JPEG {
  // c2pa-ts addresses the asset's bytes through `.buffer` (a DataView at chunk offsets), which
  // breaks on a view into a larger buffer (a pooled small Buffer): those are copied to offset 0.
  // A Buffer that is its whole ArrayBuffer (every large one) is read in place: c2pa-ts only reads
  // it, and writes into the new buffer that reserving the manifest's space assembles (signC2pa
  // refuses a file that already has a manifest, whose space would be reused in place).
  const whole = image.byteOffset === 0 && image.byteLength === image.buffer.byteLength && image.buffer instanceof ArrayBuffer;
  const bytes = whole ? new Uint8Array(image.buffer, 0, image.byteLength) : new Uint8Array(image);
  if (mimeType === 'image/png' && PNG.canRead(bytes)) return new PNG(bytes);
  if (mimeType === 'image/jpeg' && JPEG.canRead(bytes)) return new JPEG(bytes);
  throw new Error(`signC2pa: image bytes are not ${mimeType}`);
}

/**
 * The spec wants an asset made from an existing one to begin with c2pa.opened on its parentOf
 * ingredient (c2pa.created is reserved for assets without a parent), so a derived image records
 * opened + edited, the edit carrying the digital source type and the renderer.
 */
function actionsFor(input: C2paManifestInput, parentRef: Action['parameters']): Action[] {
  const what: Action = {
    action: parentRef ? ActionType.C2paEdited : ActionType.C2paCreated,
    digitalSourceType: SOURCE_TYPES[input.digitalSourceType],
    softwareAgent: { ...input.softwareAgent },
  };
  if (!parentRef) return [what];
  return [{ action: ActionType.C2paOpened, parameters: parentRef }, what];
}

/**
 * Returns the image bytes with a signed C2PA manifest (JUMBF) embedded; other metadata already
 * in the file (e.g. an XMP iTXt chunk in PNG or APP1 XMP in JPEG) survives unchanged.
 * No RFC 3161 timestamp: validators then rely on the certificate's validity period.
 */
export async function signC2pa(identity: C2paIdentity, image: Buffer, input: C2paManifestInput): Promise<Buffer> {
  const asset = openAsset(image, input.mimeType);
  // Re-signing would silently replace someone else's manifest (and its provenance chain).
  if (asset.getManifestJUMBF()) throw new Error('signC2pa: image already carries a C2PA manifest');

  const signer = identitySigner(identity);
  const store = new ManifestStore();
  const manifest = store.createManifest({
    claimVersion: ClaimVersion.V2,
    assetFormat: input.mimeType,
    instanceID: `xmp:iid:${randomUUID()}`,
    defaultHashAlgorithm: 'SHA-256',
    signer,
  });
  const claim = manifest.claim;
  if (!claim || !manifest.signature) throw new Error('signC2pa: c2pa-ts created an incomplete manifest');
  // c2pa-ts reserves 25 kB of COSE padding for an RFC 3161 token; we add none, and an Ed25519
  // signature only needs ~70 bytes of it.
  manifest.signature.signatureData.paddingLength = SIGNATURE_PADDING;
  // Otherwise c2pa-ts names itself as the claim generator.
  const generator = generatorInfo(input.claimGenerator);
  claim.claimGeneratorName = generator.name;
  claim.claimGeneratorVersion = generator.version;
  claim.title = input.title;

  const dataHash = DataHashAssertion.create('SHA-256');
  manifest.addAssertion(dataHash);

  let parentRef: Action['parameters'];
  if (input.parent) {
    const ingredient = IngredientAssertion.createV3(RelationshipType.ParentOf);
    ingredient.title = input.parent.title;
    ingredient.format = input.parent.mimeType;
    ingredient.instanceID = `xmp:iid:${input.parent.sha256}`;
    manifest.addAssertion(ingredient);
    parentRef = { ingredients: [manifest.createAssertionReference(ingredient)] };
  }

  const actions = new ActionAssertion();
  actions.actions = actionsFor(input, parentRef);
  manifest.addAssertion(actions);
  manifest.addAssertion(new RowshotProvenanceAssertion(input.rowshot));

  // Reserve the manifest's space first so the data hash can exclude exactly that range.
  await asset.ensureManifestSpace(store.measureSize());
  await dataHash.updateWithAsset(asset);
  await manifest.sign(signer);
  await asset.writeManifestJUMBF(store.getBytes());
  const signed = await asset.getDataRange();
  return Buffer.from(signed.buffer, signed.byteOffset, signed.byteLength);
}
