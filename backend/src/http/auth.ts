// API keys: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. The tenant goes to res.locals.
import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error';
import type { CoreDeps } from '../core/deps';
import { resolveApiKey } from '../core/tenants/tenants';
import { looksLikeIdToken, tenantOfIdToken, type GoogleSignIn } from './google-sign-in';

export function apiKeyAuth(deps: Pick<CoreDeps, 'store' | 'clock' | 'state'>, signIn?: GoogleSignIn): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const key = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : req.get('x-api-key')?.trim();
    if (!key) return next(new AppError('unauthenticated', 'Send your API key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"'));
    if (looksLikeIdToken(key)) {
      try {
        const who = await tenantOfIdToken(signIn, key);
        res.locals.tenant = who.tenant;
        res.locals.keyId = `google:${who.email}`;
        res.locals.actor = `google:${who.email}`;
        return next();
      } catch (err) {
        return next(err);
      }
    }
    const found = await resolveApiKey(deps, key);
    if (!found) return next(new AppError('unauthenticated', 'The API key is not valid'));
    res.locals.tenant = found.tenant;
    res.locals.keyId = found.keyId;
    res.locals.actor = `api-key:${found.label} (${found.keyId})`;
    next();
  };
}

export function tenantOf(res: { locals: Record<string, unknown> }): string {
  const t = res.locals.tenant;
  if (typeof t !== 'string') throw new AppError('unauthenticated', 'no tenant');
  return t;
}

/** Who made the request, as provenance records name it: the API key's label and id, or the Google user. */
export function actorOf(res: { locals: Record<string, unknown> }): string | null {
  return typeof res.locals.actor === 'string' ? res.locals.actor : null;
}
