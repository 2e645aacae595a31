// POST /v1/uploads: one image as the raw body (no multipart), so a client can send a pack's
// images one at a time. The body limit is one byte over MAX_UPLOAD_BYTES, so a file of exactly
// the limit passes and anything larger is told apart.
import express, { Router, type RequestHandler } from 'express';
import { MAX_UPLOAD_BYTES } from '../../../../shared/index';
import { AppError } from '../../core/app-error';
import type { CoreDeps } from '../../core/deps';
import { createUpload } from '../../core/packs/uploads';
import { tenantOf } from '../auth';

const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];
const LIMIT_MB = MAX_UPLOAD_BYTES / (1024 * 1024);

const parseRaw = express.raw({ type: UPLOAD_TYPES, limit: MAX_UPLOAD_BYTES + 1 });

/** express.raw, with "too large" named on the `body` field like every other upload problem. */
const rawImage: RequestHandler = (req, res, next) => {
  parseRaw(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(new AppError('payload_too_large', `The image was not accepted: a file may be at most ${LIMIT_MB} MB`, {
        invalidFields: [{ field: 'body', message: `larger than ${LIMIT_MB} MB` }],
      }));
    }
    next(err);
  });
};

export function uploadRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.post('/v1/uploads', rawImage, async (req, res) => {
    // false: a body of another type (null: no body at all, which the core calls empty).
    if (req.is(UPLOAD_TYPES) === false) {
      const message = `send the image bytes as ${UPLOAD_TYPES.join(', ')} (got ${req.get('content-type') ?? 'no Content-Type'})`;
      throw new AppError('unsupported_media_type', `The image was not accepted: ${message}`, { invalidFields: [{ field: 'body', message }] });
    }
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(201).json(await createUpload(deps, tenantOf(res), data));
  });
  return r;
}
