// Images on their way into a pack: an upload checked and normalised by ImageTools, addressed
// by the SHA-256 of its normalised bytes, and the one way failures become an AppError.
import type { InvalidField } from '../../../../shared/index';
import { AppError } from '../app-error';
import type { CoreDeps, ImageTools } from '../deps';
import { extFor, layout } from '../layout';
import type { StoredPackImage } from './pack-records';

/** A stored image before it has a mode in a pack. */
export type StoredImage = Omit<StoredPackImage, 'mode'>;

export type ImageProblemCode = 'payload_too_large' | 'unsupported_media_type' | 'invalid_image' | 'not_found';

/** An image ready to join a pack (stored by `persist`), or why it cannot. */
export type CheckedImage =
  | { ok: true; image: StoredImage; persist(): Promise<void>; bytes(): Promise<Buffer> }
  | { ok: false; code: ImageProblemCode; message: string };

type UploadResult = Awaited<ReturnType<ImageTools['processUpload']>>;

/** Checks and normalises raw bytes; nothing is stored until `persist`. */
export async function checkBytes(deps: CoreDeps, tenant: string, data: Buffer): Promise<CheckedImage> {
  return fromUploadResult(deps, tenant, await deps.images.processUpload(data));
}

function fromUploadResult(deps: CoreDeps, tenant: string, result: UploadResult): CheckedImage {
  if (!result.ok) return { ok: false, code: result.code, message: result.detail };
  const { image, thumbnail } = result;
  const key = layout.blob(tenant, image.sha256, extFor(image.mimeType));
  const thumbKey = layout.blobThumb(tenant, image.sha256, extFor(thumbnail.mimeType));
  return {
    ok: true,
    image: { id: image.sha256, width: image.width, height: image.height, key, thumbKey, mimeType: image.mimeType },
    async persist() {
      // Content-addressed: the same image uploaded twice is stored once (create-only).
      await deps.store.put(key, image.data, { contentType: image.mimeType, ifGenerationMatch: 0 });
      await deps.store.put(thumbKey, thumbnail.data, { contentType: thumbnail.mimeType, ifGenerationMatch: 0 });
    },
    bytes: () => Promise.resolve(image.data),
  };
}

/**
 * The error for images that were refused, listing each: 413 when a file is too large, 415
 * when one is not an image (the first such problem decides), otherwise 400.
 */
export function imageProblems(detail: string, invalid: InvalidField[], codes: readonly ImageProblemCode[]): AppError {
  const decisive = codes.find((c) => c === 'payload_too_large' || c === 'unsupported_media_type');
  return new AppError(decisive ?? 'invalid_request', detail, { invalidFields: invalid });
}
