// What a task handler tells the queue: done (2xx), or try again later (non-2xx, retried with
// backoff). Expected conditions are values, not exceptions.
export type TaskOutcome =
  | { done: true; note: string }
  | { done: false; status: 409 | 429 | 503; reason: string; retryAfterSeconds?: number };

export const done = (note: string): TaskOutcome => ({ done: true, note });
export const retryLater = (status: 409 | 429 | 503, reason: string, retryAfterSeconds?: number): TaskOutcome =>
  retryAfterSeconds === undefined ? { done: false, status, reason } : { done: false, status, reason, retryAfterSeconds };

export interface TaskContext {
  taskName: string;
  /** 0 on the first attempt (X-CloudTasks-TaskRetryCount). */
  retryCount: number;
  /** Set when this delivery already waited once for another claim to expire. */
  waitedForClaim?: boolean;
}
