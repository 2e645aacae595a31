// API keys: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. The tenant goes to res.locals.
// Failed authentications are limited per client (a token bucket per address), and a key just
// found invalid is remembered briefly, so guessing costs neither store reads nor much time.
// Both are per app instance, made here, so two instances never share them.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error';
import type { CoreDeps } from '../core/deps';
import { resolveApiKey } from '../core/tenants/tenants';
import { looksLikeIdToken, tenantOfIdToken, type GoogleSignIn } from './google-sign-in';

export interface AuthLimits {
  /** Failed authentications a client may make per minute, sustained (bursts up to twice this). */
  failuresPerMinute?: number;
  /** How long a key found invalid is answered without a store read. */
  negativeCacheMs?: number;
}

const MAX_TRACKED = 10_000;

export function apiKeyAuth(deps: Pick<CoreDeps, 'store' | 'clock' | 'state'>, signIn?: GoogleSignIn, limits: AuthLimits = {}): RequestHandler {
  const perMinute = limits.failuresPerMinute ?? 30;
  const burst = perMinute * 2;
  const perMs = perMinute / 60_000;
  const negativeMs = limits.negativeCacheMs ?? 10_000;
  const failures = new Map<string, { tokens: number; at: number }>();
  const invalid = new Map<string, number>();
  const bucket = (client: string, now: number) => {
    const b = failures.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMs);
    b.at = now;
    return b;
  };
  const refuse = (client: string, now: number, hash: string | null): AppError => {
    const b = bucket(client, now);
    b.tokens -= 1;
    if (failures.size > MAX_TRACKED) failures.clear();
    failures.set(client, b);
    if (hash !== null) {
      if (invalid.size > MAX_TRACKED) invalid.clear();
      invalid.set(hash, now + negativeMs);
    }
    return new AppError('unauthenticated', 'The API key is not valid (unknown, revoked or expired)');
  };

  return async (req, res, next) => {
    const now = deps.clock.now();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const header = req.get('authorization');
    const key = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : req.get('x-api-key')?.trim();
    if (!key) return next(new AppError('unauthenticated', 'Send your API key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"'));
    const limited = failures.has(client) ? bucket(client, now) : null;
    if (limited && limited.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - limited.tokens) / perMs / 1000));
      return next(new AppError('rate_limited', `Too many failed authentications from this client; retry in ${retryAfterSeconds} s`, { retryAfterSeconds }));
    }
    if (looksLikeIdToken(key)) {
      try {
        const who = await tenantOfIdToken(signIn, key);
        res.locals.tenant = who.tenant;
        res.locals.keyId = `google:${who.email}`;
        res.locals.actor = `google:${who.email}`;
        return next();
      } catch (err) {
        if (err instanceof AppError && err.code === 'unauthenticated') refuse(client, now, null);
        return next(err);
      }
    }
    const hash = createHash('sha256').update(key).digest('hex');
    if ((invalid.get(hash) ?? 0) > now) return next(refuse(client, now, null));
    let found: Awaited<ReturnType<typeof resolveApiKey>>;
    try {
      found = await resolveApiKey(deps, key);
    } catch (err) {
      return next(err);
    }
    if (!found) return next(refuse(client, now, hash));
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
