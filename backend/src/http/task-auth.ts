// Who may call `/tasks/*`: only our queue. Locally the queue sends a shared secret as a bearer
// token; in Cloud Run the verifier checks a Google-signed OIDC token instead (same interface).
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error';

export interface TaskAuthVerifier {
  verify(authorization: string | undefined): Promise<{ ok: true } | { ok: false; status: 401 | 403; detail: string }>;
}

export function sharedSecretVerifier(secret: string): TaskAuthVerifier {
  const expected = Buffer.from(`Bearer ${secret}`);
  return {
    async verify(authorization) {
      if (!authorization) return { ok: false, status: 401, detail: 'task requests need a bearer token' };
      const given = Buffer.from(authorization);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403, detail: 'the task token is not valid' };
      return { ok: true };
    },
  };
}

export function taskAuth(verifier: TaskAuthVerifier): RequestHandler {
  return async (req, _res, next) => {
    const r = await verifier.verify(req.get('authorization'));
    if (r.ok) return next();
    next(new AppError(r.status === 401 ? 'unauthenticated' : 'forbidden', r.detail));
  };
}
