// POST /v1/uploads and POST /v1/packs as JSON: a client (the add-on) uploads images one at a
// time, each checked and stored exactly like a multipart pack file, then makes a pack of them
// by upload id. Upload ids are random and kept per tenant, so another tenant's id is unknown.
import type { CreatePackFromUploads, Pack, Upload } from '../../../../shared/index';
import { linkerFor } from '../batches/batch-view';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { randomId } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { checkBytes, imageProblems, type CheckedImage } from './pack-images';
import { savePack } from './save-pack';

/** What `layout.upload` holds: the stored, normalised image. */
interface UploadRecord {
  sha256: string;
  width: number;
  height: number;
  mimeType: string;
  key: string;
  thumbKey: string;
  createdAt: string;
}

const UPLOAD_ID = /^u_[a-z2-7]{16}$/;

export async function createUpload(deps: CoreDeps, tenant: string, data: Buffer): Promise<Upload> {
  const checked = await checkBytes(deps, tenant, data);
  if (!checked.ok) throw imageProblems(`The image was not accepted: ${checked.message}`, [{ field: 'body', message: checked.message }], [checked.code]);
  await checked.persist();
  const { image } = checked;
  const id = `u_${randomId(16)}`;
  const record: UploadRecord = {
    sha256: image.id, width: image.width, height: image.height, mimeType: image.mimeType, key: image.key, thumbKey: image.thumbKey,
    createdAt: iso(deps.clock.now()),
  };
  await putJson(deps.store, layout.upload(tenant, id), record, 0);
  const link = await linkerFor(deps, tenant);
  return { id, width: image.width, height: image.height, mimeType: image.mimeType, thumbnailUrl: link(image.thumbKey) };
}

/** An upload of this tenant as a pack image; it was checked and stored when it was uploaded. */
export async function checkUpload(deps: CoreDeps, tenant: string, uploadId: string): Promise<CheckedImage> {
  const found = UPLOAD_ID.test(uploadId) ? await getJson<UploadRecord>(deps.store, layout.upload(tenant, uploadId)) : null;
  if (!found) return { ok: false, code: 'not_found', message: 'no such upload' };
  const r = found.value;
  return {
    ok: true,
    image: { id: r.sha256, width: r.width, height: r.height, mimeType: r.mimeType, key: r.key, thumbKey: r.thumbKey },
    persist: () => Promise.resolve(),
    async bytes() {
      const blob = await deps.store.get(r.key);
      // The blobs are written before the record, so this is a damaged store, not user input.
      if (!blob) throw new Error(`the image of upload ${uploadId} is missing from the store (${r.key})`);
      return blob.data;
    },
  };
}

export async function createPackFromUploads(deps: CoreDeps, tenant: string, req: CreatePackFromUploads): Promise<Pack> {
  const check = (uploadId: string) => () => checkUpload(deps, tenant, uploadId);
  return savePack(deps, tenant, {
    name: req.name,
    images: req.images.map((img, i) => ({ field: `images[${i}].uploadId`, mode: img.mode, check: check(img.uploadId) })),
    logo: req.logoUploadId ? { field: 'logoUploadId', check: check(req.logoUploadId) } : null,
    invalid: [],
    ...(req.brandKit ? { style: req.brandKit } : {}),
  });
}
