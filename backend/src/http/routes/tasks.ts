// /tasks/*: called by the queue (Cloud Tasks in production, the local queue otherwise) over
// HTTP, so both modes run the same code. 2xx = done; anything else = retry with backoff.
import { Router, type Request, type Response } from 'express';
import type { CoreDeps } from '../../core/deps';
import { fanOut, FanOutBody, RowTaskBody } from '../../core/batches/fan-out';
import { flushBatch, FlushBody } from '../../core/batches/flush';
import { processRow } from '../../core/batches/process-row';
import { watchBatch, WatchdogBody } from '../../core/batches/watchdog';
import type { TaskContext, TaskOutcome } from '../../core/batches/task-outcome';
import { TASK_HEADERS } from '../../ports/task-queue';

function context(req: Request): TaskContext {
  return {
    taskName: req.get(TASK_HEADERS.taskName) ?? 'unnamed',
    retryCount: Number.parseInt(req.get(TASK_HEADERS.retryCount) ?? '0', 10) || 0,
  };
}

function reply(res: Response, outcome: TaskOutcome): void {
  if (outcome.done) {
    res.status(200).json({ ok: true, note: outcome.note });
    return;
  }
  if (outcome.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
  res.status(outcome.status).json({ ok: false, reason: outcome.reason });
}

export function taskRoutes(deps: CoreDeps): Router {
  const r = Router();
  const handle = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, run: (body: T, ctx: TaskContext) => Promise<TaskOutcome>) =>
    async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        // A malformed task can never succeed: acknowledge it so it is not retried forever.
        deps.log.error({ path: req.path, task: context(req).taskName }, 'dropped a malformed task');
        res.status(200).json({ ok: false, dropped: true });
        return;
      }
      reply(res, await run(parsed.data, context(req)));
    };
  r.post('/tasks/fanout', handle(FanOutBody, (b) => fanOut(deps, b)));
  r.post('/tasks/row', handle(RowTaskBody, (b, ctx) => processRow(deps, b, ctx)));
  r.post('/tasks/flush', handle(FlushBody, (b) => flushBatch(deps, b)));
  r.post('/tasks/watchdog', handle(WatchdogBody, (b) => watchBatch(deps, b)));
  return r;
}
