// GET /v1/assets/:id/provenance: an asset's record (the asset id is its record id) and the
// records of what it was made from (a thumbnail's image, a composite's AI image), the caller's
// tenant only.
import { AppError, notFound } from '../app-error';
import type { CoreDeps } from '../deps';
import { layout } from '../layout';
import { linkerFor } from '../batches/batch-view';
import { loadRecord, recordProblem } from './check-chain';
import { parseRecordId, type ProvenanceRecord } from './record';

export interface AssetProvenance {
  /** Null when the stored record is no longer readable (problems says so). */
  record: ProvenanceRecord | null;
  /** The capability link to the record (what the image's metadata and the Provenance column hold). */
  recordUrl: string;
  /** The parent's record, its parent's, …: what the asset was made from. */
  ancestors: ProvenanceRecord[];
  /** Whether the record and each ancestor still hash and verify (the chain is checked by POST /v1/verify). */
  intact: boolean;
  problems: string[];
}

export async function assetProvenance(deps: CoreDeps, tenant: string, id: string): Promise<AssetProvenance> {
  const at = parseRecordId(id);
  if (!at) throw new AppError('invalid_request', `"${id}" is not an asset id (a record id like ${'<shard>-<n>'})`, { invalidFields: [{ field: 'id', message: 'expected <shard>-<n>, as in a Provenance link or an image\'s rowshot:RecordId' }] });
  const loaded = await loadRecord(deps.store, tenant, id);
  if (!loaded) throw notFound(`Asset ${id}`);
  const link = await linkerFor(deps, tenant);
  const recordUrl = link(layout.provenanceRecord(tenant, at.shard, at.seq));
  if (!loaded.ok) return { record: null, recordUrl, ancestors: [], intact: false, problems: [loaded.problem] };
  const problems: string[] = [];
  const record = loaded.record;
  const own = recordProblem(deps.provenance.signer, record);
  if (own) problems.push(own);
  const ancestors: ProvenanceRecord[] = [];
  for (let parent = record.parent; parent !== null && ancestors.length < 10; ) {
    const p = await loadRecord(deps.store, tenant, parent);
    if (!p) {
      problems.push(`record ${parent} (the parent of ${ancestors.at(-1)?.id ?? record.id}) was not found`);
      break;
    }
    if (!p.ok) {
      problems.push(p.problem);
      break;
    }
    const bad = recordProblem(deps.provenance.signer, p.record);
    if (bad) problems.push(bad);
    ancestors.push(p.record);
    parent = p.record.parent;
  }
  return { record, recordUrl, ancestors, intact: problems.length === 0, problems };
}
