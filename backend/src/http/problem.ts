// Every error leaves as RFC 7807 `application/problem+json`, listing every invalid field.
import type { ErrorRequestHandler, Response } from 'express';
import multer from 'multer';
import { MAX_UPLOAD_BYTES, type Problem } from '../../../shared/index';
import { AppError, type ErrorCode } from '../core/app-error';
import type { Logger } from '../core/deps';
import { storageFault } from './storage-fault';

const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'The request is not valid',
  unauthenticated: 'An API key is needed',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Too large',
  unsupported_media_type: 'Unsupported file type',
  over_budget: 'Over budget',
  unprocessable: 'Cannot be processed',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  unavailable: 'Temporarily unavailable',
  storage_full: 'Storage is full',
};

/** A 10,000-row mistake stays readable: a problem lists at most this many invalid fields. Its detail says how many there are. */
export const MAX_INVALID_FIELDS = 200;
const UPLOAD_LIMIT_MB = MAX_UPLOAD_BYTES / (1024 * 1024);

export function toProblem(err: AppError, instance?: string): Problem {
  return {
    type: `https://rowshot.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.detail,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...(err.extra.invalidFields ? { invalidFields: err.extra.invalidFields.slice(0, MAX_INVALID_FIELDS) } : {}),
    ...(err.extra.estimate !== undefined ? { estimate: err.extra.estimate } : {}),
  };
}

export function sendProblem(res: Response, err: AppError, instance?: string): void {
  if (err.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.extra.retryAfterSeconds));
  res.status(err.status).type('application/problem+json').send(JSON.stringify(toProblem(err, instance)));
}

/** Maps library errors (body parser, multer) to AppErrors; anything else is a 500 with no internals leaked. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof multer.MulterError) {
    const field = err.field ?? 'file';
    if (err.code === 'LIMIT_FILE_SIZE') return new AppError('payload_too_large', `${field}: a file may be at most ${UPLOAD_LIMIT_MB} MB`, { invalidFields: [{ field, message: `larger than ${UPLOAD_LIMIT_MB} MB` }] });
    if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') {
      return new AppError('invalid_request', `${field}: too many files or an unexpected file field (use "images", at most 6, and "logo")`, { invalidFields: [{ field, message: 'too many files or unexpected field' }] });
    }
    return new AppError('invalid_request', `${field}: ${err.message}`, { invalidFields: [{ field, message: err.message }] });
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError('invalid_request', `The body is not valid JSON: ${e.message ?? ''}`.trim(), { invalidFields: [{ field: '(body)', message: 'not valid JSON' }] });
  if (e?.status === 415 || e?.type === 'charset.unsupported') return new AppError('unsupported_media_type', e.message ?? 'unsupported media type');
  const storage = storageFault(err);
  if (storage) return storage;
  return new AppError('internal', 'An unexpected error occurred; it has been logged', { cause: err });
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path: req.path, requestId: res.locals.requestId }, 'request failed');
    sendProblem(res, appErr, req.originalUrl.split('?')[0]);
  };
}
