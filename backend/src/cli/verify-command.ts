// `rowshot verify FILE|URL`: checks an image's provenance, in this process against the local
// data directory, or with --server through POST /v1/verify. Exit 0 when the record, the pixels
// and the chain all hold; 1 with the first broken link named.
import { readFile } from 'node:fs/promises';
import type { CoreDeps } from '../core/deps';
import { verifyImage, type VerifyReport } from '../core/provenance/verify';
import { ApiClient } from './api-client';
import { UsageError } from './run-command';

export interface VerifyOptions {
  target: string;
  server?: string;
  apiKey?: string;
}

async function readImage(target: string): Promise<Buffer> {
  if (/^https?:\/\//i.test(target)) {
    let res: Response;
    try {
      res = await fetch(target);
    } catch (err) {
      throw new UsageError(`${target}: cannot download it (${(err as Error).message})`);
    }
    if (!res.ok) throw new UsageError(`${target}: the download answered HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
  try {
    return await readFile(target);
  } catch {
    throw new UsageError(`${target}: cannot read this file`);
  }
}

export async function verifyCommand(opts: VerifyOptions, localDeps: () => Promise<{ deps: CoreDeps; tenant: string }>): Promise<number> {
  const data = await readImage(opts.target);
  let report: VerifyReport;
  if (opts.server) {
    if (!opts.apiKey) throw new UsageError('--server needs an API key: pass --api-key or set ROWSHOT_API_KEY');
    report = await new ApiClient(opts.server, opts.apiKey).verify(data);
  } else {
    const { deps, tenant } = await localDeps();
    report = await verifyImage(deps, data, tenant);
  }
  for (const line of describe(report)) console.log(line);
  if (report.ok) return 0;
  console.error(`rowshot: verify failed: ${report.problem ?? 'unknown problem'}`);
  return 1;
}

export function describe(r: VerifyReport): string[] {
  const lines: string[] = [];
  const rec = r.record;
  if (rec) {
    lines.push(`Record ${rec.id}: ${rec.role} image of row ${rec.rowId} (v${rec.version}) in batch ${rec.batchId}, ${rec.model}, made ${rec.finishedAt}${rec.actor ? ` by ${rec.actor}` : ''}`);
    lines.push(`  prompt: ${rec.prompt}`);
    if (rec.parent) lines.push(`  made from: record ${rec.parent}`);
  }
  lines.push(`Pixels: ${r.pixels.match ? 'match the record' : 'do not match'} (SHA-256 ${r.pixels.sha256})`);
  const cp = r.chain.latestCheckpoint;
  lines.push(cp
    ? `Chain: intact from this record to the latest signed checkpoint, record ${cp.recordId} (${r.chain.recordsChecked} later records checked, key ${cp.keyId})`
    : 'Chain: not intact');
  // An older server's report has no contentCredentials: say nothing then.
  if (r.contentCredentials === 'present') lines.push('Content Credentials: a C2PA manifest signed by this server (check it with a C2PA reader, trusting the CA from /v1/provenance/keys)');
  else if (r.contentCredentials === 'absent') lines.push('Content Credentials: none from this server in the file');
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  lines.push(r.ok ? 'OK: the image is the one its record describes, and the record is intact.' : 'FAILED');
  return lines;
}
