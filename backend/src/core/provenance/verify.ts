// rowshot verify / POST /v1/verify: finds an image's record (by the link or id embedded in the
// file, else by its hash among the caller's records), and checks that the record is intact,
// that the pixels are the ones it describes, and that its chain holds from it to the latest
// signed checkpoint. The first broken link is named; every check is reported.
import type { CoreDeps } from '../deps';
import { layout } from '../layout';
import { checkChain, listShards, loadRecord, recordProblem, type Loaded } from './check-chain';
import { extractProvenance, hasRowshotC2paManifest, withoutRowshotC2pa } from './embed';
import { parseRecordId, sha256, type ProvenanceRecord } from './record';

export interface VerifyReport {
  /** True when the record, the pixels and the chain all hold. */
  ok: boolean;
  /** The first broken link, or null. */
  problem: string | null;
  problems: string[];
  foundBy: 'embedded-link' | 'embedded-id' | 'hash' | null;
  record: ProvenanceRecord | null;
  pixels: { match: boolean; sha256: string; recordSha256: string | null };
  chain: { intact: boolean; latestCheckpoint: { recordId: string; hash: string; keyId: string } | null; recordsChecked: number };
  /**
   * Whether the file carries Rowshot's C2PA manifest. Presence only: its signature is checked by
   * any C2PA reader, with the CA certificate of GET /v1/provenance/keys as trust anchor.
   */
  contentCredentials: 'present' | 'absent';
}

/** How many records a hash lookup reads at most (a file without metadata; rare and slow by nature). */
const MAX_HASH_SCAN = 20_000;

export async function verifyImage(deps: CoreDeps, data: Buffer, callerTenant: string | null): Promise<VerifyReport> {
  const extracted = extractProvenance(data);
  // Without the XMP packet (a tool dropped it), Rowshot's C2PA manifest still comes off before hashing.
  const pixelsSha = sha256(extracted ? extracted.stripped : withoutRowshotC2pa(data));
  const report: VerifyReport = {
    ok: false, problem: null, problems: [], foundBy: null, record: null,
    pixels: { match: false, sha256: pixelsSha, recordSha256: null },
    chain: { intact: false, latestCheckpoint: null, recordsChecked: 0 },
    contentCredentials: hasRowshotC2paManifest(data) ? 'present' : 'absent',
  };
  const fail = (p: string): VerifyReport => {
    report.problems.push(p);
    report.problem ??= p;
    return report;
  };

  let tenant: string | null = null;
  let loaded: Loaded | null = null;
  if (extracted) {
    const e = extracted.embedded;
    // The embedded capability link locates the record in any tenant: holding the file is the permission.
    const token = /\/a\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(e.recordUrl)?.[1];
    const opened = token ? deps.links.open(token) : null;
    const at = parseRecordId(e.recordId);
    if (opened && at && opened.key === layout.provenanceRecord(opened.tenant, at.shard, at.seq)) {
      tenant = opened.tenant;
      report.foundBy = 'embedded-link';
    } else if (callerTenant !== null && e.tenant === callerTenant && at) {
      tenant = callerTenant;
      report.foundBy = 'embedded-id';
    } else {
      return fail(`the file names record ${e.recordId}, but its link is not one this server signed${callerTenant && e.tenant !== callerTenant ? ` and the record is not your tenant's` : ''}`);
    }
    loaded = await loadRecord(deps.store, tenant, e.recordId);
    if (!loaded) return fail(`record ${e.recordId}, which the file names, is missing from the store`);
  } else {
    if (callerTenant === null) return fail('the file carries no Rowshot provenance metadata');
    tenant = callerTenant;
    loaded = await findByHash(deps, callerTenant, pixelsSha);
    if (!loaded) return fail(`the file carries no Rowshot provenance metadata and its SHA-256 (${pixelsSha}) matches no record of tenant ${callerTenant}`);
    report.foundBy = 'hash';
  }
  if (!loaded.ok) return fail(loaded.problem);
  const record = loaded.record;
  report.record = record;

  const own = recordProblem(deps.provenance.signer, record);
  if (own) fail(own);

  report.pixels.recordSha256 = record.outputSha256;
  report.pixels.match = record.outputSha256 === pixelsSha && (extracted === null || extracted.embedded.recordId === record.id);
  if (!report.pixels.match) fail(`pixels do not match: the image's SHA-256 is ${pixelsSha}, record ${record.id} says ${record.outputSha256}`);

  const chain = await checkChain(deps.store, deps.provenance.signer, tenant, record.chain.shard, record.chain.seq);
  report.chain.recordsChecked = chain.checked;
  if (chain.problem) fail(chain.problem);
  else if (chain.latest) {
    report.chain.intact = true;
    report.chain.latestCheckpoint = { recordId: chain.latest.id, hash: chain.latest.hash, keyId: deps.provenance.signer.key.keyId };
  }
  report.ok = report.problems.length === 0;
  return report;
}

async function findByHash(deps: CoreDeps, tenant: string, sha: string): Promise<Loaded | null> {
  let read = 0;
  for (const shard of await listShards(deps.store, tenant)) {
    let pageToken: string | undefined;
    for (;;) {
      const page = await deps.store.list(layout.provenanceShard(tenant, shard), { maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const key of page.keys) {
        if (++read > MAX_HASH_SCAN) return null;
        const blob = await deps.store.get(key);
        if (!blob) continue;
        try {
          const r = JSON.parse(blob.data.toString('utf8')) as ProvenanceRecord;
          if (r.outputSha256 === sha || r.fileSha256 === sha) return { ok: true, record: r };
        } catch {
          // An unreadable record is reported by the chain check of the record it belongs to.
        }
      }
      if (!page.nextPageToken) break;
      pageToken = page.nextPageToken;
    }
  }
  return null;
}
