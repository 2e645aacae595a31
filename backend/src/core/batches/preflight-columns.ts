// The API's header pre-flight: the rows' headers (every cell name, first seen first) must give
// a Prompt column, or the batch is refused before anything is stored, instead of every row
// failing with "Prompt is empty". Columns that look like inputs but are not read come back as
// warnings with the accepted batch. A failure is returned, so the caller lists it with the
// request's other bad names in one problem.
import { API_MAP_HINT, preflightHeaders, type ColumnMapping, type CreateBatchRequest, type InvalidField } from '../../../../shared/index';

export function preflightColumns(request: Pick<CreateBatchRequest, 'rows' | 'columns'>): { warnings: string[]; invalid: InvalidField[] } {
  const headers = new Set<string>();
  for (const row of request.rows) for (const h of Object.keys(row.cells)) headers.add(h);
  const result = preflightHeaders([...headers], (request.columns ?? {}) as ColumnMapping, API_MAP_HINT);
  if (!result.ok) return { warnings: [], invalid: [{ field: 'columns.prompt', message: result.message }] };
  return { warnings: result.warnings.map((w) => w.message), invalid: [] };
}
