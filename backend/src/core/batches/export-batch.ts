// GET /v1/batches/:id/export: every row as CSV or JSON, or a ZIP of the images with a
// results.csv. Produced as a stream page by page, so a 10,000-row export never sits in memory.
import { stringify } from 'csv-stringify/sync';
import { Zip, ZipPassThrough } from 'fflate';
import { fileBaseName, UniqueNames } from '../../../../shared/file-names';
import { formulaSafeText, OUTPUT_FIELDS, resultCells, type OutputField, type ResultCell, type RowResult } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { extFor, layout, rowSegment } from '../layout';
import { parseRecordId, type ProvenanceRecord } from '../provenance/record';
import { linkerFor } from './batch-view';
import { inputRows } from './input-rows';
import { loadBatch, readRowRecords, rowResultOf, type StoredRow } from './query-batches';
import type { Manifest, RowRecord, StoredImage } from './records';

export type ExportFormat = 'csv' | 'json' | 'zip';

/** What a zip holds: every row's latest version (default), only approved rows, or every version. */
export interface ZipOptions {
  approvedOnly?: boolean;
  allVersions?: boolean;
}

export interface ExportStream {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<Uint8Array | string>;
}

const PAGE = 200;
const CSV_FIELDS: readonly OutputField[] = ['rowId', 'status', 'error', 'provider', 'costUsd', 'imageUrl', 'thumbnailUrl', 'updatedAt', 'provenance'];
const CSV_HEADER = CSV_FIELDS.map((f) => OUTPUT_FIELDS[f]);

export async function exportBatch(deps: CoreDeps, tenant: string, batchId: string, format: ExportFormat, zipOptions: ZipOptions = {}): Promise<ExportStream> {
  const { m } = await loadBatch(deps, tenant, batchId);
  const suffix = format === 'zip' ? `${zipOptions.approvedOnly ? '-approved' : ''}${zipOptions.allVersions ? '-all-versions' : ''}` : '';
  const filename = `${batchId}${suffix}.${format}`;
  if (format === 'json') return { contentType: 'application/json', filename, chunks: jsonChunks(deps, m) };
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', filename, chunks: csvChunks(deps, m) };
  return { contentType: 'application/zip', filename, chunks: zipChunks(deps, m, zipOptions) };
}

async function* pages(deps: CoreDeps, m: Manifest): AsyncGenerator<{ rows: RowResult[]; stored: StoredRow[] }> {
  const link = await linkerFor(deps, m.tenant);
  for (let start = 0; start < m.rowCount; start += PAGE) {
    const indices = Array.from({ length: Math.min(PAGE, m.rowCount - start) }, (_, k) => start + k);
    const stored = await readRowRecords(deps, m, indices);
    yield { stored, rows: stored.map((r) => rowResultOf(r, link)) };
  }
}

/** A CSV field holds no formula and no cell type: text is formula-safe, an image cell is its URL as text (as in a CSV workbook). */
function csvField(cell: ResultCell | undefined): string | number {
  if (cell === undefined) return '';
  if (cell.kind === 'number') return cell.value;
  return formulaSafeText(cell.kind === 'text' ? cell.text : cell.url);
}

/** One row as the output cells of a sheet show it (shared/result-cells.ts), Row ID included. */
function csvLine(m: Manifest, r: RowResult): string {
  const cells = resultCells({ state: r.state, reason: r.reason, provider: r.provider, costUsd: r.costUsd, images: r.images, batchId: m.id, updatedAt: r.updatedAt ?? '' });
  return stringify([CSV_FIELDS.map((f) => (f === 'rowId' ? formulaSafeText(r.rowId) : csvField(cells[f])))]);
}

async function* csvChunks(deps: CoreDeps, m: Manifest): AsyncGenerator<string> {
  yield stringify([CSV_HEADER]);
  for await (const { rows } of pages(deps, m)) yield rows.map((r) => csvLine(m, r)).join('');
}

async function* jsonChunks(deps: CoreDeps, m: Manifest): AsyncGenerator<string> {
  yield `{"batchId":${JSON.stringify(m.id)},"rows":[`;
  let first = true;
  for await (const { rows } of pages(deps, m)) {
    for (const r of rows) {
      yield (first ? '' : ',') + JSON.stringify(r);
      first = false;
    }
  }
  yield ']}';
}

/** The images a row puts in the zip, each with its version. */
function zippedImages(rec: RowRecord | null, opts: ZipOptions): { img: StoredImage; version: number }[] {
  if (!rec) return [];
  if (opts.approvedOnly) return rec.approved ? rec.approved.images.map((img) => ({ img, version: rec.approved!.version })) : [];
  const latest = rec.images.map((img) => ({ img, version: rec.gen + 1 }));
  if (!opts.allVersions) return latest;
  return [...(rec.versions ?? []).flatMap((v) => v.images.map((img) => ({ img, version: v.version }))), ...latest];
}

async function* zipChunks(deps: CoreDeps, m: Manifest, opts: ZipOptions): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let error: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) error = err;
    else out.push(data);
  });
  const drain = function* (): Generator<Uint8Array> {
    if (error) throw error;
    while (out.length > 0) yield out.shift() as Uint8Array;
  };
  // fflate writes entries in order and buffers later ones until earlier ones end, so images
  // stream first and results.csv (a few MB at most) is added last.
  const csvParts = [stringify([CSV_HEADER])];
  // provenance.jsonl: one line per record of a zipped image and of what it was made from (a
  // composite's AI image), each as stored, so a reader can check hashes and signatures offline.
  const provenanceLines: string[] = [];
  // Sizes made from one master share it: each record is written once.
  const seenRecords = new Set<string>();
  const template = m.fileNameTemplate ?? null;
  // Names are handed out in row order, so the same batch always zips to the same names.
  const names = new UniqueNames();
  for await (const { rows, stored } of pages(deps, m)) {
    csvParts.push(rows.map((r) => csvLine(m, r)).join(''));
    const cells = template === null ? null : await inputRows(deps, m, stored.map((r) => r.index));
    for (const r of stored) {
      for (const { img, version } of zippedImages(r.rec, opts)) {
        if (img.provenanceKey) provenanceLines.push(...(await recordLines(deps, m.tenant, img.provenanceKey, seenRecords)));
        const blob = await deps.store.get(img.key);
        if (!blob) continue;
        // Every version of a row is its own folder (their files have the same names).
        const name = template === null
          ? `images/${rowSegment(r.rowId)}/${opts.allVersions ? `v${version}/` : ''}${img.key.split('/').pop() ?? 'image'}`
          : `images/${names.take(fileBaseName(template, { cells: cells?.get(r.index)?.cells ?? {}, rowId: r.rowId, aspectRatio: img.size ?? img.aspectRatio, variant: img.variant, version }), extFor(img.mimeType))}`;
        // Images are already compressed: store them, don't deflate them again.
        const file = new ZipPassThrough(name);
        zip.add(file);
        file.push(blob.data, true);
        yield* drain();
      }
    }
  }
  const csv = new ZipPassThrough('results.csv');
  zip.add(csv);
  csv.push(new TextEncoder().encode(csvParts.join('')), true);
  const provenance = new ZipPassThrough('provenance.jsonl');
  zip.add(provenance);
  provenance.push(new TextEncoder().encode(provenanceLines.join('')), true);
  zip.end();
  yield* drain();
}

/** A record and its ancestors not yet in `seen`, as JSON lines as stored (an unreadable one is left out: verify names it). */
async function recordLines(deps: CoreDeps, tenant: string, key: string, seen: Set<string>): Promise<string[]> {
  const lines: string[] = [];
  let next: string | null = key;
  while (next !== null && lines.length < 10 && !seen.has(next)) {
    seen.add(next);
    const blob = await deps.store.get(next);
    if (!blob) break;
    let parent: string | null = null;
    try {
      const text = blob.data.toString('utf8').trim();
      const r = JSON.parse(text) as ProvenanceRecord;
      lines.push(`${text}\n`);
      const at = r.parent === null ? null : parseRecordId(r.parent);
      parent = at ? layout.provenanceRecord(tenant, at.shard, at.seq) : null;
    } catch {
      break;
    }
    next = parent;
  }
  return lines;
}
