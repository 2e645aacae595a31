// A batch's input rows by index. Rows are stored in chunks; each chunk is read once however
// many of its rows are asked for.
import type { CoreDeps } from '../deps';
import { getJson } from '../json-blobs';
import { layout } from '../layout';
import type { InputRow, Manifest } from './records';

export async function inputRows(deps: CoreDeps, m: Manifest, indices: readonly number[]): Promise<Map<number, InputRow>> {
  const out = new Map<number, InputRow>();
  for (const c of new Set(indices.map((i) => Math.floor(i / m.chunkSize)))) {
    const rows = (await getJson<InputRow[]>(deps.store, layout.inputChunk(m.tenant, m.id, c)))?.value ?? [];
    rows.forEach((row, k) => out.set(c * m.chunkSize + k, row));
  }
  return out;
}

/** Row ID → index for every row of the batch (its input chunks, read once each). */
export async function rowIndexes(deps: CoreDeps, m: Manifest): Promise<Map<string, number>> {
  const all = await inputRows(deps, m, Array.from({ length: Math.ceil(m.rowCount / m.chunkSize) }, (_, c) => c * m.chunkSize));
  const out = new Map<string, number>();
  for (const [index, row] of all) out.set(row.rowId, index);
  return out;
}
