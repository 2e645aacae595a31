// Cloud Logging trace correlation: the trace of the request being handled (from Cloud Run's
// `X-Cloud-Trace-Context: TRACE/SPAN;o=1` header) is attached to every log line written while
// handling it, as `logging.googleapis.com/trace`, so one request's lines group together.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

const current = new AsyncLocalStorage<Record<string, string>>();

/** Fields to add to a log line: the current request's trace, if any. */
export function traceFields(): Record<string, string> {
  return current.getStore() ?? {};
}

export function traceContext(project: string | undefined): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('x-cloud-trace-context');
    const m = header ? /^([0-9a-f]{32})(?:\/(\d+))?(?:;o=([01]))?$/i.exec(header.trim()) : null;
    if (!m || !project) return next();
    const fields: Record<string, string> = { 'logging.googleapis.com/trace': `projects/${project}/traces/${m[1]}` };
    if (m[2]) fields['logging.googleapis.com/spanId'] = m[2];
    if (m[3]) fields['logging.googleapis.com/trace_sampled'] = m[3] === '1' ? 'true' : 'false';
    current.run(fields, () => next());
  };
}
