// The one error type: a stable code, an HTTP status and a readable detail. Expected outcomes
// are return values; AppError is for requests the core refuses.
import type { InvalidField } from '../../../shared/index';

export const ERROR_CODES = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  over_budget: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  /** The server's own storage is full (507 Insufficient Storage). */
  storage_full: 507,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { invalidFields?: InvalidField[]; retryAfterSeconds?: number; estimate?: unknown; cause?: unknown } = {},
  ) {
    super(detail, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found`);
