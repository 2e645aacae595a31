// GET /v1/batches/:id/export: every row as CSV or JSON, or a ZIP of the images with a
// results.csv. Produced as a stream page by page, so a 10,000-row export never sits in memory.
import { stringify } from 'csv-stringify/sync';
import { Zip, ZipPassThrough } from 'fflate';
import { looksLikeFormula, statusText, type RowResult } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { getJson } from '../json-blobs';
import { layout, rowSegment } from '../layout';
import { loadBatch, readRows } from './query-batches';
import type { Manifest, RowRecord } from './records';

export type ExportFormat = 'csv' | 'json' | 'zip';

export interface ExportStream {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<Uint8Array | string>;
}

const PAGE = 200;
const CSV_HEADER = ['Row ID', 'Status', 'Error', 'Provider', 'Cost (USD)', 'Image URL', 'Thumbnail URL', 'Updated at'];

export async function exportBatch(deps: CoreDeps, tenant: string, batchId: string, format: ExportFormat): Promise<ExportStream> {
  const { m } = await loadBatch(deps, tenant, batchId);
  const filename = `${batchId}.${format}`;
  if (format === 'json') return { contentType: 'application/json', filename, chunks: jsonChunks(deps, m) };
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', filename, chunks: csvChunks(deps, m) };
  return { contentType: 'application/zip', filename, chunks: zipChunks(deps, m) };
}

async function* pages(deps: CoreDeps, m: Manifest): AsyncGenerator<RowResult[]> {
  for (let start = 0; start < m.rowCount; start += PAGE) {
    const indices = Array.from({ length: Math.min(PAGE, m.rowCount - start) }, (_, k) => start + k);
    yield await readRows(deps, m, indices);
  }
}

/** Exported text never starts a formula in a spreadsheet that opens the CSV. */
const safe = (text: string): string => (looksLikeFormula(text) ? `'${text}` : text);

function csvLine(r: RowResult): string {
  return stringify([[
    r.rowId, safe(statusText(r.state, r.reason)), safe(r.reason ?? ''), r.provider ?? '', r.costUsd,
    r.images.map((i) => i.url).join('\n'), r.images.map((i) => i.thumbnailUrl).join('\n'), r.updatedAt ?? '',
  ]]);
}

async function* csvChunks(deps: CoreDeps, m: Manifest): AsyncGenerator<string> {
  yield stringify([CSV_HEADER]);
  for await (const rows of pages(deps, m)) yield rows.map(csvLine).join('');
}

async function* jsonChunks(deps: CoreDeps, m: Manifest): AsyncGenerator<string> {
  yield `{"batchId":${JSON.stringify(m.id)},"rows":[`;
  let first = true;
  for await (const rows of pages(deps, m)) {
    for (const r of rows) {
      yield (first ? '' : ',') + JSON.stringify(r);
      first = false;
    }
  }
  yield ']}';
}

async function* zipChunks(deps: CoreDeps, m: Manifest): AsyncGenerator<Uint8Array> {
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
  for await (const rows of pages(deps, m)) {
    csvParts.push(rows.map(csvLine).join(''));
    for (const r of rows) {
      const rec = await getJson<RowRecord>(deps.store, layout.row(m.tenant, m.id, r.index));
      for (const img of rec?.value.images ?? []) {
        const blob = await deps.store.get(img.key);
        if (!blob) continue;
        // Images are already compressed: store them, don't deflate them again.
        const file = new ZipPassThrough(`images/${rowSegment(r.rowId)}/${img.key.split('/').pop() ?? 'image'}`);
        zip.add(file);
        file.push(blob.data, true);
        yield* drain();
      }
    }
  }
  const csv = new ZipPassThrough('results.csv');
  zip.add(csv);
  csv.push(new TextEncoder().encode(csvParts.join('')), true);
  zip.end();
  yield* drain();
}
