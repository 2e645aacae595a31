// Parsing at the edge with the shared schemas: a failure lists every invalid field.
import { issuesToFields } from '../../../shared/index';
import { AppError } from '../core/app-error';

interface SafeParser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[] } };
}

export function parseOr400<T>(schema: SafeParser<T>, value: unknown, what = 'request'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // toProblem caps the list; the detail counts them all.
  const invalidFields = issuesToFields(r.error.issues);
  throw new AppError('invalid_request', `The ${what} has ${invalidFields.length} invalid field(s): ${invalidFields.slice(0, 3).map((f) => f.field).join(', ')}${invalidFields.length > 3 ? ', …' : ''}`, { invalidFields });
}
