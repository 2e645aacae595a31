// The API's header pre-flight: the rows' headers (every cell name, first seen first) must give
// a Prompt column, or the batch is refused before anything is stored, instead of every row
// failing with "Prompt is empty". Columns that look like inputs but are not read come back as
// warnings with the accepted batch.
import { API_MAP_HINT, preflightHeaders, type ColumnMapping, type CreateBatchRequest } from '../../../../shared/index';
import { AppError } from '../app-error';

export function preflightColumns(request: Pick<CreateBatchRequest, 'rows' | 'columns'>): string[] {
  const headers = new Set<string>();
  for (const row of request.rows) for (const h of Object.keys(row.cells)) headers.add(h);
  const result = preflightHeaders([...headers], (request.columns ?? {}) as ColumnMapping, API_MAP_HINT);
  if (!result.ok) {
    throw new AppError('invalid_request', result.message, { invalidFields: [{ field: 'columns.prompt', message: result.message }] });
  }
  return result.warnings.map((w) => w.message);
}
