// A request id on every request (echoed as X-Request-Id) and one log line when it finishes.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../core/deps';

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      // Task and asset traffic is high-volume and logged by its handlers; keep it at debug.
      const quiet = req.path.startsWith('/tasks/') || req.path.startsWith('/a/') || req.path === '/metrics';
      const entry = {
        requestId, method: req.method, path: req.path.startsWith('/a/') ? '/a/…' : req.path, status: res.statusCode,
        ms: Math.round(performance.now() - started), tenant: res.locals.tenant,
      };
      if (res.statusCode >= 500) log.error(entry, 'request');
      else if (!quiet) log.info(entry, 'request');
    });
    next();
  };
}
