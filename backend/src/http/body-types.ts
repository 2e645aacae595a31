// What a request body must be before a route sees it. A JSON route given a body of another type
// (text/plain, none named) answers 415 naming Content-Type, not a 400 about a missing object; a
// multipart body the parser cannot read (no boundary, cut short, a bad part header, a NUL in a
// file name) is the client's mistake: 400, never 500.
import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error';

export const JSON_TYPES = ['application/json', 'application/*+json'];
const MULTIPART = 'multipart/form-data';

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.get('content-length');
  if (length !== undefined) return Number(length) > 0;
  return req.get('transfer-encoding') !== undefined;
}

/**
 * For the JSON routes under /v1: a body must be JSON. `multipartAt` lists the paths that also
 * take multipart (parsed by their own route).
 */
export function requireJsonBody(multipartAt: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' || !hasBody(req)) return next();
    if (req.is(JSON_TYPES)) return next();
    if (multipartAt.includes(req.path) && req.is(MULTIPART)) return next();
    const got = req.get('content-type');
    const want = multipartAt.includes(req.path) ? 'application/json or multipart/form-data' : 'application/json';
    const message = `send the body with Content-Type: ${want} (got ${got === undefined ? 'no Content-Type' : JSON.stringify(got)})`;
    next(new AppError('unsupported_media_type', `The request body was not accepted: ${message}`, { invalidFields: [{ field: 'Content-Type', message }] }));
  };
}

/** Wraps a multipart parser (multer) so that an unreadable body is a 400 problem. */
export function readableMultipart(parse: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.is(MULTIPART) && !/;\s*boundary=/i.test(req.get('content-type') ?? '')) {
      return next(multipartError('the Content-Type names no boundary'));
    }
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) {
        const bad = namesWithNul(req.files);
        return next(bad ? multipartError(`the file name of "${bad}" holds a NUL character`) : undefined);
      }
      // multer's own errors (too large, too many files) keep their mapping in problem.ts.
      if ((err as { name?: string }).name === 'MulterError') return next(err);
      next(multipartError((err as Error).message ?? String(err)));
    });
  };
}

function namesWithNul(files: unknown): string | null {
  const list = Array.isArray(files) ? files : Object.values((files ?? {}) as Record<string, unknown[]>).flat();
  for (const f of list as { fieldname?: string; originalname?: string }[]) {
    if (f.originalname?.includes('\u0000')) return f.fieldname ?? 'file';
  }
  return null;
}

function multipartError(why: string): AppError {
  const message = `not a readable multipart/form-data body: ${why}`;
  return new AppError('invalid_request', `The request body was not accepted: ${message}`, { invalidFields: [{ field: '(body)', message }] });
}
