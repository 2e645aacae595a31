// A token bucket per API key: `perMinute` sustained, bursts up to `burst`. Per instance, which
// is what protects an instance; quotas across instances are the queue's job.
import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error';
import type { Clock } from '../core/clock';

export function rateLimit(opts: { perMinute: number; burst: number; clock: Clock }): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = opts.perMinute / 60_000;
  return (_req, res, next) => {
    const id = String(res.locals.keyId ?? 'anonymous');
    const now = opts.clock.now();
    const b = buckets.get(id) ?? { tokens: opts.burst, at: now };
    b.tokens = Math.min(opts.burst, b.tokens + (now - b.at) * perMs);
    b.at = now;
    if (buckets.size > 10_000) buckets.clear();
    buckets.set(id, b);
    res.setHeader('RateLimit-Limit', String(opts.perMinute));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, Math.floor(b.tokens - 1))));
    if (b.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - b.tokens) / perMs / 1000);
      return next(new AppError('rate_limited', `Rate limit of ${opts.perMinute} requests per minute for this API key reached; retry in ${retryAfterSeconds} s`, { retryAfterSeconds }));
    }
    b.tokens -= 1;
    next();
  };
}
