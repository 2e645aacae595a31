// How stored batch records are shown through the API: status, rows and asset links.
import type { BatchStatus, RowImage, RowResult, RowVersions } from '../../../../shared/index';
import { fromMicros, isFinalBatch } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { recordIdOfKey } from '../provenance/record';
import { getTenant } from '../tenants/tenants';
import type { Manifest, RowRecord, StatusRecord, StoredImage } from './records';

export function statusUrl(deps: CoreDeps, batchId: string): string {
  return `${deps.config.publicBaseUrl}/v1/batches/${batchId}`;
}

export function finishedCount(s: StatusRecord): number {
  return s.counts.DONE + s.counts.FAILED + s.counts.SKIPPED + s.counts.CANCELLED;
}

export function etaSeconds(manifest: Manifest, s: StatusRecord): number | null {
  const remaining = manifest.rowCount - finishedCount(s);
  if (remaining <= 0) return 0;
  const first = s.samples[0];
  const last = s.samples[s.samples.length - 1];
  if (!first || !last || last[0] <= first[0] || last[1] <= first[1]) return null;
  const perSecond = (last[1] - first[1]) / ((last[0] - first[0]) / 1000);
  return Math.ceil(remaining / perSecond);
}

export function toBatchStatus(deps: CoreDeps, m: Manifest, s: StatusRecord): BatchStatus {
  const finished = finishedCount(s);
  return {
    id: m.id,
    name: m.name,
    state: s.state,
    createdAt: m.createdAt,
    updatedAt: s.updatedAt,
    finishedAt: s.finishedAt,
    rowCount: m.rowCount,
    counts: s.counts,
    cost: { estimatedUsd: m.estimatedUsd, actualUsd: fromMicros(s.actualMicros), maxUsd: m.maxCostUsd },
    etaSeconds: isFinalBatch(s.state) ? 0 : etaSeconds(m, s),
    progress: m.rowCount === 0 ? 1 : finished / m.rowCount,
    statusUrl: statusUrl(deps, m.id),
    target: m.target,
    lastWriteError: s.lastWriteError,
    approvedRows: s.approved ?? 0,
  };
}

export type LinkFor = (key: string) => string;

/** A function that turns tenant blob keys into capability URLs, signed with the tenant's current link key. */
export async function linkerFor(deps: CoreDeps, tenant: string): Promise<LinkFor> {
  const version = (await getTenant(deps.store, tenant))?.linkKeyVersion ?? 1;
  return (key) => `${deps.config.publicBaseUrl}/a/${deps.links.sign(key, version)}`;
}

export function toRowResult(r: RowRecord, link: LinkFor): RowResult {
  return {
    rowId: r.rowId,
    index: r.index,
    state: r.state,
    reason: r.reason,
    provider: r.provider,
    costUsd: fromMicros(r.costMicros),
    images: r.images.map((img) => toRowImage(img, link)),
    notes: r.notes,
    attempts: r.attempts,
    updatedAt: r.updatedAt,
    version: r.gen + 1,
    approved: r.approved ? { version: r.approved.version, images: r.approved.images.map((i) => toRowImage(i, link)), approvedAt: r.approved.at } : null,
  };
}

export function toRowImage(img: StoredImage, link: LinkFor): RowImage {
  return {
    size: img.size ?? img.aspectRatio.replace(':', 'x'), aspectRatio: img.aspectRatio, variant: img.variant, url: link(img.key), thumbnailUrl: link(img.thumbKey),
    ...(img.provenanceKey ? { provenanceUrl: link(img.provenanceKey), assetId: recordIdOfKey(img.provenanceKey) } : {}),
  };
}

/** A row's versions, oldest first; the last is the record itself (what the sheet shows). */
export function toRowVersions(r: RowRecord, link: LinkFor): RowVersions {
  const kept = (r.versions ?? []).map((v) => ({
    version: v.version, state: v.state, feedback: v.feedback, costUsd: fromMicros(v.costMicros), images: v.images.map((i) => toRowImage(i, link)), createdAt: v.finishedAt, latest: false,
  }));
  return {
    rowId: r.rowId,
    versions: [...kept, {
      version: r.gen + 1, state: r.state, feedback: r.feedback ?? null, costUsd: fromMicros(r.costMicros - (r.costAtStartMicros ?? 0)),
      images: r.images.map((i) => toRowImage(i, link)), createdAt: r.updatedAt, latest: true,
    }],
  };
}

/** A row with no record yet: queued, not yet picked up. */
export function queuedRow(rowId: string, index: number): RowResult {
  return { rowId, index, state: 'QUEUED', reason: null, provider: null, costUsd: 0, images: [], notes: [], attempts: 0, updatedAt: null };
}
