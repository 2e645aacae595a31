// A row's own Reference images (product shots): fetched through the guarded fetcher (or read
// from this tenant's uploads), then checked like an upload (sniffed, size and pixel limits,
// normalised) and kept content-addressed. A link fetched in the last day is not fetched again.
// One that cannot be had fails only its row, saying which one and why.
import { createHash } from 'node:crypto';
import type { RowReference } from '../../../../shared/index';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { checkBytes } from '../packs/pack-images';
import { checkUpload } from '../packs/uploads';
import type { RowReferenceImage } from './generate-images';

/** How long a fetched link's image is used before the link is fetched again. */
const LINK_TTL_MS = 86_400_000;

interface LinkRecord {
  sha256: string;
  key: string;
  mimeType: string;
  fetchedAt: string;
}

export type RowReferences =
  | { ok: true; images: RowReferenceImage[] }
  | { ok: false; kind: 'permanent' | 'transient'; reason: string };

export async function loadRowReferences(deps: CoreDeps, tenant: string, refs: readonly RowReference[], signal?: AbortSignal): Promise<RowReferences> {
  const images: RowReferenceImage[] = [];
  for (const [i, ref] of refs.entries()) {
    const n = i + 1;
    if (ref.kind === 'upload') {
      const up = await checkUpload(deps, tenant, ref.id);
      if (!up.ok) return { ok: false, kind: 'permanent', reason: `reference image ${n} (${ref.id}) is not an upload of this account` };
      images.push({ data: await up.bytes(), mimeType: up.image.mimeType, sha256: up.image.id });
      continue;
    }
    const linkKey = layout.referenceLink(tenant, createHash('sha256').update(ref.url).digest('hex'));
    const cached = await getJson<LinkRecord>(deps.store, linkKey);
    if (cached && deps.clock.now() - Date.parse(cached.value.fetchedAt) < LINK_TTL_MS) {
      const blob = await deps.store.get(cached.value.key);
      if (blob) {
        images.push({ data: blob.data, mimeType: cached.value.mimeType, sha256: cached.value.sha256 });
        continue;
      }
    }
    const got = await deps.fetchReference(ref.url, signal);
    if (!got.ok) return { ok: false, kind: got.kind, reason: `reference image ${n} could not be fetched (${got.reason})` };
    const checked = await checkBytes(deps, tenant, got.data);
    if (!checked.ok) return { ok: false, kind: 'permanent', reason: `reference image ${n} is not a usable image (${checked.message})` };
    await checked.persist();
    const { image } = checked;
    await putJson(deps.store, linkKey, { sha256: image.id, key: image.key, mimeType: image.mimeType, fetchedAt: iso(deps.clock.now()) } satisfies LinkRecord);
    images.push({ data: await checked.bytes(), mimeType: image.mimeType, sha256: image.id });
  }
  return { ok: true, images };
}
