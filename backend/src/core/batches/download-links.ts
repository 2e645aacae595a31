// Download all: a capability link to a batch's zip (`/d/<token>`), signed like image links, so
// a sidebar or a colleague can open it without an API key. It names the batch and the zip's
// options, and stops working when the tenant's link key is rotated.
import type { DownloadLink, DownloadLinkRequest } from '../../../../shared/index';
import { AppError, notFound } from '../app-error';
import type { CoreDeps } from '../deps';
import { BATCH_ID_PATTERN, layout } from '../layout';
import { getTenant } from '../tenants/tenants';
import { exportBatch, type ExportStream } from './export-batch';
import { loadBatch } from './query-batches';

const DOWNLOAD_KEY = /^tenants\/[^/]+\/batches\/([^/]+)\/downloads\/zip-(all|approved)-(latest|versions)$/;

export async function downloadLink(deps: CoreDeps, tenant: string, batchId: string, req: DownloadLinkRequest): Promise<DownloadLink> {
  const { s } = await loadBatch(deps, tenant, batchId);
  const approvedOnly = req.approvedOnly ?? false;
  if (approvedOnly && (s.approved ?? 0) === 0) {
    throw new AppError('conflict', `No row of batch ${batchId} is approved yet: mark rows Approve in the Review column and apply the review (Extensions → Rowshot → Apply review), then download the approved images`);
  }
  const allVersions = req.allVersions ?? false;
  const key = `${layout.batch(tenant, batchId)}/downloads/zip-${approvedOnly ? 'approved' : 'all'}-${allVersions ? 'versions' : 'latest'}`;
  const version = (await getTenant(deps.store, tenant))?.linkKeyVersion ?? 1;
  return { url: `${deps.config.publicBaseUrl}/d/${deps.links.sign(key, version)}`, approvedOnly, allVersions };
}

/** The zip a download link names; 404 for a forged, revoked or foreign token. */
export async function openDownload(deps: CoreDeps, token: string): Promise<ExportStream> {
  const opened = deps.links.open(token);
  const m = opened ? DOWNLOAD_KEY.exec(opened.key) : null;
  const batchId = m?.[1];
  if (!opened || !m || !batchId || !BATCH_ID_PATTERN.test(batchId)) throw notFound('Download');
  const tenant = await getTenant(deps.store, opened.tenant);
  if (!tenant || tenant.linkKeyVersion !== opened.version) throw notFound('Download');
  return exportBatch(deps, opened.tenant, batchId, 'zip', { approvedOnly: m[2] === 'approved', allVersions: m[3] === 'versions' });
}
