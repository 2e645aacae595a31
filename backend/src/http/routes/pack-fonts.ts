// PUT /v1/packs/:id/fonts/:part: a brand font as the raw body (Apps Script has no streaming
// multipart), for the headline, the subline or both; DELETE returns that part to Rowshot's
// fonts. Mounted before the JSON body guard, like /v1/uploads.
import express, { Router, type RequestHandler } from 'express';
import { FONT_UPLOAD_TYPES, MAX_UPLOAD_BYTES, PACK_FONT_PARTS, type PackFontPart } from '../../../../shared/index';
import { AppError } from '../../core/app-error';
import type { CoreDeps } from '../../core/deps';
import { setPackFont } from '../../core/packs/pack-fonts';
import { tenantOf } from '../auth';

const TYPES = [...FONT_UPLOAD_TYPES];
const LIMIT_MB = MAX_UPLOAD_BYTES / (1024 * 1024);
const parseFont = express.raw({ type: TYPES, limit: MAX_UPLOAD_BYTES + 1 });

/** The raw font body; too large, or of another type, is a problem on the `body` field. */
const rawFont: RequestHandler = (req, res, next) => {
  if (req.is(TYPES) === false) {
    const message = `send the font bytes as ${TYPES.join(', ')} (got ${req.get('content-type') ?? 'no Content-Type'})`;
    return next(new AppError('unsupported_media_type', `The font was not accepted: ${message}`, { invalidFields: [{ field: 'body', message }] }));
  }
  parseFont(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(new AppError('payload_too_large', `The font was not accepted: a file may be at most ${LIMIT_MB} MB`, {
        invalidFields: [{ field: 'body', message: `larger than ${LIMIT_MB} MB` }],
      }));
    }
    next(err);
  });
};

function fontPart(raw: string): PackFontPart {
  const part = PACK_FONT_PARTS.find((p) => p === raw);
  if (!part) throw new AppError('not_found', `No font part "${raw}": use ${PACK_FONT_PARTS.join(', ')}`);
  return part;
}

export function packFontRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.put('/v1/packs/:id/fonts/:part', rawFont, async (req, res) => {
    const { id, part } = req.params as { id: string; part: string };
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json(await setPackFont(deps, tenantOf(res), id, fontPart(part), data));
  });
  r.delete('/v1/packs/:id/fonts/:part', async (req, res) => {
    res.json(await setPackFont(deps, tenantOf(res), req.params.id, fontPart(req.params.part), null));
  });
  return r;
}
