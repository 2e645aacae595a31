// The port for C2PA Content Credentials: a signed manifest embedded into each stored PNG and
// JPEG, beside Rowshot's XMP packet, so any C2PA reader can check where the image came from
// (trusting the CA that GET /v1/provenance/keys publishes). The core decides what the manifest
// says; the adapter (adapters/c2pa) writes and signs it.
import { SOURCE_TYPES } from './xmp';

export type SignableMimeType = 'image/png' | 'image/jpeg';

/** IPTC digital source types, by their last path segment (as SOURCE_TYPES has them in full). */
export type DigitalSourceTypeName = 'trainedAlgorithmicMedia' | 'compositeWithTrainedAlgorithmicMedia' | 'algorithmicMedia';

export interface ContentCredentialsManifest {
  /** The file's name. */
  title: string;
  digitalSourceType: DigitalSourceTypeName;
  /** The model, or the part of Rowshot, that made the image. */
  softwareAgent: { name: string; version?: string };
  /** What the image was made from (a composite's AI image, a thumbnail's image, a crop's master): a parentOf ingredient, named by its output hash. */
  parent?: { title: string; mimeType: string; sha256: string };
  /** Rowshot's record of the image, as the manifest's `com.rowshot.provenance` assertion. */
  rowshot: { recordId: string; recordUrl: string; outputSha256: string };
}

export interface ContentCredentials {
  /** PEM certificates: the CA (what a C2PA reader adds as a trust anchor) and the signing certificate it issued. */
  readonly certificates: { caCertPem: string; leafCertPem: string };
  /** The image with a signed C2PA manifest embedded; every other byte of the file kept as it was. */
  sign(image: Buffer, mimeType: SignableMimeType, manifest: ContentCredentialsManifest): Promise<Buffer>;
}

export function canSign(mimeType: string): mimeType is SignableMimeType {
  return mimeType === 'image/png' || mimeType === 'image/jpeg';
}

const SOURCE_TYPE_NAMES: Readonly<Record<string, DigitalSourceTypeName>> = {
  [SOURCE_TYPES.ai]: 'trainedAlgorithmicMedia',
  [SOURCE_TYPES.composite]: 'compositeWithTrainedAlgorithmicMedia',
  [SOURCE_TYPES.algorithmic]: 'algorithmicMedia',
};

export function sourceTypeName(uri: string): DigitalSourceTypeName {
  const name = Object.hasOwn(SOURCE_TYPE_NAMES, uri) ? SOURCE_TYPE_NAMES[uri] : undefined;
  if (!name) throw new Error(`no C2PA digital source type for ${uri}`);
  return name;
}
