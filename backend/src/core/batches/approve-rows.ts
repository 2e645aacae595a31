// Approvals: a reviewer pins a row's current version (or withdraws the pin). The row is
// published like any change, so the next flush writes its Approved image URL cell and counts it.
// All rows are checked before any is written.
import type { ApproveRowsRequest, InvalidField } from '../../../../shared/index';
import { AppError } from '../app-error';
import { iso } from '../clock';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { getJson, updateJson } from '../json-blobs';
import { layout } from '../layout';
import { rowIndexes } from './input-rows';
import { loadBatch } from './query-batches';
import type { RowRecord } from './records';
import { publishRow } from './row-events';

export interface ApproveResult {
  rows: { rowId: string; approvedVersion: number | null }[];
}

export async function approveRows(deps: CoreDeps, tenant: string, batchId: string, body: ApproveRowsRequest): Promise<ApproveResult> {
  const { m } = await loadBatch(deps, tenant, batchId);
  const indexOf = await rowIndexes(deps, m);
  const fields: InvalidField[] = [];
  const picked = new Map<number, { rowId: string; approved: boolean }>();
  body.rows.forEach((row, i) => {
    const index = indexOf.get(row.rowId);
    if (index === undefined) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is not a row of batch ${batchId}` });
    else if (picked.has(index)) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is listed twice` });
    else picked.set(index, row);
  });
  const records = new Map<number, RowRecord>();
  await mapLimit([...picked.keys()], 16, async (index) => {
    const rec = (await getJson<RowRecord>(deps.store, layout.row(tenant, batchId, index)))?.value;
    if (rec) records.set(index, rec);
  });
  body.rows.forEach((row, i) => {
    const index = indexOf.get(row.rowId);
    const rec = index === undefined ? undefined : records.get(index);
    if (index !== undefined && row.approved && rec?.state !== 'DONE') {
      fields.push({ field: `rows[${i}].approved`, message: `"${row.rowId}" is ${rec?.state ?? 'QUEUED'}; only DONE rows can be approved` });
    }
  });
  if (fields.length > 0) throw new AppError('invalid_request', `${fields.length} of the approvals cannot be made`, { invalidFields: fields });

  const now = iso(deps.clock.now());
  const result = new Map<number, number | null>();
  await mapLimit([...picked], 16, async ([index, row]) => {
    const { value } = await updateJson<RowRecord>(deps.store, layout.row(tenant, batchId, index), (cur) => {
      if (!cur) return undefined;
      if (row.approved && cur.state !== 'DONE') throw new AppError('conflict', `Row "${row.rowId}" changed while it was approved; try again`);
      const { approved: _was, ...rest } = cur;
      const next: RowRecord = row.approved ? { ...rest, approved: { version: cur.gen + 1, images: cur.images, at: now } } : rest;
      return { ...next, rev: cur.rev + 1 };
    });
    if (value) await publishRow(deps, m, value);
    result.set(index, value?.approved?.version ?? null);
  });
  // In the request's order.
  const out = [...picked].map(([index, row]) => ({ rowId: row.rowId, approvedVersion: result.get(index) ?? null }));
  deps.log.info({ tenant, batchId, approved: out.filter((r) => r.approvedVersion !== null).length, withdrawn: out.filter((r) => r.approvedVersion === null).length }, 'approvals recorded');
  return { rows: out };
}
