// Reference packs through the backend: list, upload one image at a time (raw bytes, so each
// google.script.run call stays small), create from uploads, rename/reorder/change modes, delete.
import { MAX_UPLOAD_BYTES, PACK_FONT_PARTS, PACK_IMAGE_MODES, type PatchPackRequest } from '../../../shared/index';
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { CreatePackInput, PackFontInput, PackView, PatchPackInput, UploadInput, UploadView } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { packView, uploadView } from './pack-view';

/** The content types POST /v1/uploads takes; anything else is sent as bytes for the backend to sniff. */
const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function listPacks(s: Services): PackView[] {
  return api.listPacks(connect(s).client).map(packView);
}

/** A file's base64 is there and within the upload limit, or the error names the file. */
function checkFileData(input: { fileName?: unknown; base64?: unknown } | undefined, what: 'image' | 'font'): { name: string; base64: string } {
  const name = typeof input?.fileName === 'string' && input.fileName !== '' ? input.fileName : `the ${what}`;
  if (typeof input?.base64 !== 'string' || input.base64 === '') throw new AddonError('invalid_request', `${name} is empty`, [{ field: 'base64', message: `no ${what} data` }]);
  // base64 is 4 characters per 3 bytes.
  const bytes = Math.floor((input.base64.replace(/=+$/, '').length * 3) / 4);
  if (bytes > MAX_UPLOAD_BYTES) {
    throw new AddonError('invalid_request', `${name} is ${(bytes / 1048576).toFixed(1)} MB: ${what === 'image' ? 'an image' : 'a font'} may be at most ${MAX_UPLOAD_BYTES / 1048576} MB`, [{ field: 'base64', message: 'too large' }]);
  }
  return { name, base64: input.base64 };
}

/** The backend's reason, prefixed with the file's name so the sidebar can say which file. */
function namingFile<T>(name: string, send: () => T): T {
  try {
    return send();
  } catch (e) {
    if (e instanceof AddonError && e.code === 'invalid_request') throw new AddonError(e.code, `${name}: ${e.message}`, e.rpc.fields);
    throw e;
  }
}

export function uploadPackImage(s: Services, input: UploadInput): UploadView {
  const { name } = checkFileData(input, 'image');
  const type = UPLOAD_TYPES.includes(String(input.mimeType).toLowerCase()) ? String(input.mimeType).toLowerCase() : 'application/octet-stream';
  return namingFile(name, () => uploadView(api.upload(connect(s).client, input.base64, type)));
}

/** Sets (or, with base64 null, removes) a brand font; the backend sniffs and checks the file. */
export function setPackFont(s: Services, input: PackFontInput): PackView {
  if (typeof input?.id !== 'string' || input.id === '') throw new AddonError('invalid_request', 'Which pack? The id is missing', [{ field: 'id', message: 'required' }]);
  const part = PACK_FONT_PARTS.find((p) => p === input.part);
  if (!part) throw new AddonError('invalid_request', `A font is for ${PACK_FONT_PARTS.join(', ')} (got ${JSON.stringify(input.part)})`, [{ field: 'part', message: `must be ${PACK_FONT_PARTS.join(', ')}` }]);
  if (input.base64 === null) return packView(api.removePackFont(connect(s).client, input.id, part));
  const { name, base64 } = checkFileData(input, 'font');
  return namingFile(name, () => packView(api.putPackFont(connect(s).client, input.id, part, base64)));
}

export function createPack(s: Services, input: CreatePackInput): PackView {
  const images = Array.isArray(input?.images) ? input.images : [];
  return packView(api.createPack(connect(s).client, {
    name: String(input?.name ?? ''),
    images: images.map((i) => ({ uploadId: i.uploadId, mode: checkMode(i.mode) })),
    logoUploadId: input?.logoUploadId ?? null,
  }));
}

export function updatePack(s: Services, input: PatchPackInput): PackView {
  if (typeof input?.id !== 'string' || input.id === '') throw new AddonError('invalid_request', 'Which pack? The id is missing', [{ field: 'id', message: 'required' }]);
  const body: PatchPackRequest = {};
  if (input.name !== undefined) body.name = input.name;
  if (input.order !== undefined) body.order = input.order;
  if (input.modes !== undefined) {
    const modes: NonNullable<PatchPackRequest['modes']> = {};
    for (const [imageId, mode] of Object.entries(input.modes)) modes[imageId] = checkMode(mode);
    body.modes = modes;
  }
  // The backend checks the kit against the shared schema and lists every bad field.
  if (input.brandKit !== undefined) body.brandKit = input.brandKit;
  return packView(api.patchPack(connect(s).client, input.id, body));
}

export function deletePack(s: Services, id: string): { id: string } {
  if (typeof id !== 'string' || id === '') throw new AddonError('invalid_request', 'Which pack? The id is missing', [{ field: 'id', message: 'required' }]);
  api.deletePack(connect(s).client, id);
  return { id };
}

function checkMode(mode: unknown): (typeof PACK_IMAGE_MODES)[number] {
  if ((PACK_IMAGE_MODES as readonly unknown[]).includes(mode)) return mode as (typeof PACK_IMAGE_MODES)[number];
  throw new AddonError('invalid_request', `Image mode must be ${PACK_IMAGE_MODES.join(' or ')} (got ${JSON.stringify(mode)})`, [{ field: 'mode', message: `must be ${PACK_IMAGE_MODES.join(' or ')}` }]);
}
