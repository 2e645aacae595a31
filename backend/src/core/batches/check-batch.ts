// POST /v1/batches/check: every refusal POST /v1/batches would give (rows, names, target,
// budgets) without creating anything or claiming an Idempotency-Key. The CLI asks it before it
// prepares a workbook, so a run that cannot start changes no file.
import type { BatchCheckResponse, CreateBatchRequest } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { assertKnownNames } from './check-names';
import { checkAcceptable, rejectDuplicateRowIds } from './create-batch';
import { preflightColumns } from './preflight-columns';

export async function checkBatch(deps: CoreDeps, tenant: string, request: CreateBatchRequest): Promise<BatchCheckResponse> {
  rejectDuplicateRowIds(request);
  const preflight = preflightColumns(request);
  assertKnownNames(deps, request, preflight.invalid);
  const { estimate } = await checkAcceptable(deps, tenant, request, { rowIdsPending: true });
  return { ok: true, estimate: { totalUsd: estimate.totalUsd, images: estimate.images }, ...(preflight.warnings.length > 0 ? { warnings: preflight.warnings } : {}) };
}
