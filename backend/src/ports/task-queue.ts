// TaskQueue: Cloud Tasks semantics. Named tasks (re-creating a name is a no-op success),
// schedule time, HTTP push to our own `/tasks/...` handlers, retry on anything but 2xx.

export interface TaskSpec {
  /** Unique name within the queue: [A-Za-z0-9_-]{1,400}. Re-using a name is a no-op. */
  name: string;
  /** Handler path on this service, e.g. `/tasks/row`. */
  path: string;
  body: unknown;
  /** Epoch ms; absent = now. */
  scheduleTime?: number;
}

export type EnqueueResult = { created: true } | { created: false; reason: 'already_exists' };

export interface QueueStats {
  /** Tasks not yet completed (waiting, scheduled or in flight); -1 when the queue cannot tell. */
  depth: number;
  inFlight: number;
}

export interface TaskQueue {
  readonly name: string;
  enqueue(task: TaskSpec): Promise<EnqueueResult>;
  stats(): Promise<QueueStats>;
}

/** The headers a pushed task carries (the names Cloud Tasks uses). */
export const TASK_HEADERS = {
  taskName: 'x-cloudtasks-taskname',
  retryCount: 'x-cloudtasks-taskretrycount',
  executionCount: 'x-cloudtasks-taskexecutioncount',
  queueName: 'x-cloudtasks-queuename',
  eta: 'x-cloudtasks-tasketa',
} as const;

export const TASK_NAME_PATTERN = /^[A-Za-z0-9_-]{1,400}$/;
