// Names a batch or estimate request gives that the schema cannot check alone: models of the
// provider chain must be ones this server runs (and can price), and `columns` must name
// convention fields and headers the rows have. Each bad one is listed, so a typo is refused
// up front instead of failing every row ("Prompt is empty") or pricing a batch at $0.
import { INPUT_FIELDS, OUTPUT_FIELDS, pricePerImage, type InvalidField } from '../../../../shared/index';
import { AppError } from '../app-error';
import type { CoreDeps } from '../deps';

interface NamedRequest {
  rows: readonly { cells: Readonly<Record<string, unknown>> }[];
  columns?: Readonly<Record<string, string>> | undefined;
  providerChain?: readonly string[] | undefined;
}

/** The models this server can run and price, for messages and checks. */
export function servedModels(deps: CoreDeps): string[] {
  const ids = deps.providers.flatMap((p) => p.models);
  return [...new Set(ids)].filter((id) => pricePerImage(id, deps.config.imageSize) !== undefined);
}

export function invalidNames(deps: CoreDeps, request: NamedRequest): InvalidField[] {
  const fields: InvalidField[] = [];
  const served = servedModels(deps);
  (request.providerChain ?? []).forEach((id, i) => {
    if (!served.includes(id)) fields.push({ field: `providerChain[${i}]`, message: `"${id}" is not a model this server runs; it runs ${served.join(', ')}` });
  });
  const known = new Set<string>([...Object.keys(INPUT_FIELDS), ...Object.keys(OUTPUT_FIELDS)]);
  const entries = Object.entries(request.columns ?? {});
  if (entries.length > 0) {
    const headers = new Set<string>();
    for (const row of request.rows) for (const h of Object.keys(row.cells)) headers.add(h);
    for (const [field, header] of entries) {
      if (!known.has(field)) fields.push({ field: `columns.${field}`, message: `not a sheet-convention field; use one of ${[...known].join(', ')}` });
      else if (!headers.has(header)) fields.push({ field: `columns.${field}`, message: `no row has a column "${header}"` });
    }
  }
  return fields;
}

/** Throws a 400 problem listing every bad name, with `also` (other findings on the same request) merged in field order. */
export function assertKnownNames(deps: CoreDeps, request: NamedRequest, also: readonly InvalidField[] = []): void {
  const byField = new Map<string, InvalidField>();
  for (const f of [...invalidNames(deps, request), ...also]) if (!byField.has(f.field)) byField.set(f.field, f);
  const fields = [...byField.values()].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  // A lone pre-flight finding keeps its own sentence (it names the nearest header and the hint).
  const only = fields.length === 1 ? fields[0] : undefined;
  if (only !== undefined && also.includes(only)) throw new AppError('invalid_request', only.message, { invalidFields: fields });
  if (fields.length > 0) throw new AppError('invalid_request', `The request names ${fields.length} unknown model(s) or column(s): ${fields.slice(0, 3).map((f) => f.field).join(', ')}${fields.length > 3 ? ', …' : ''}`, { invalidFields: fields });
}
