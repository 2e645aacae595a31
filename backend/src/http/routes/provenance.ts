// Provenance over HTTP. The public key is public (anyone checks a record with it), and so is the
// C2PA CA certificate (a C2PA reader's trust anchor for the Content Credentials in the files); a
// record through the API is the caller's tenant's only.
import express, { Router } from 'express';
import { AppError } from '../../core/app-error';
import type { CoreDeps } from '../../core/deps';
import { assetProvenance } from '../../core/provenance/asset-provenance';
import { verifyImage } from '../../core/provenance/verify';
import { tenantOf } from '../auth';

/** Routes that need no API key: mounted before the /v1 authentication. */
export function publicProvenanceRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.get('/v1/provenance/keys', (_req, res) => {
    const k = deps.provenance.signer.key;
    res.setHeader('Cache-Control', 'public, max-age=3600');
    const { caCertPem, leafCertPem } = deps.contentCredentials.certificates;
    res.json({
      keys: [{ keyId: k.keyId, alg: k.alg, publicKeyPem: k.publicKeyPem, jwk: { kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.keyId } }],
      c2pa: { caCertPem, leafCertPem },
    });
  });
  return r;
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];
const VERIFY_LIMIT_MB = 64;
const parseImage = express.raw({ type: IMAGE_TYPES, limit: VERIFY_LIMIT_MB * 1024 * 1024 });

export function provenanceRoutes(deps: CoreDeps): Router {
  const r = Router();
  // The image as the raw body, as for POST /v1/uploads. 200 with ok true or false: a failed
  // check is an answer, not an error.
  r.post('/v1/verify', (req, res, next) => {
    parseImage(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new AppError('payload_too_large', `The image was not accepted: a file may be at most ${VERIFY_LIMIT_MB} MB`, { invalidFields: [{ field: 'body', message: `larger than ${VERIFY_LIMIT_MB} MB` }] }));
      }
      next(err);
    });
  }, async (req, res) => {
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (req.is(IMAGE_TYPES) === false || data.length === 0) {
      const message = `send the image bytes as ${IMAGE_TYPES.join(', ')} (got ${req.get('content-type') ?? 'no Content-Type'}${data.length === 0 ? ', no body' : ''})`;
      throw new AppError(data.length === 0 && req.is(IMAGE_TYPES) !== false ? 'invalid_request' : 'unsupported_media_type', `The image was not accepted: ${message}`, { invalidFields: [{ field: 'body', message }] });
    }
    res.json(await verifyImage(deps, data, tenantOf(res)));
  });
  r.get('/v1/assets/:id/provenance', async (req, res) => {
    res.json(await assetProvenance(deps, tenantOf(res), req.params.id));
  });
  return r;
}
