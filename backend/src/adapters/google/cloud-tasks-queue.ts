// CloudTasksQueue: the TaskQueue port on Google Cloud Tasks (v2, HTTP target tasks with an OIDC
// token, so Cloud Run's `/tasks/*` handlers can verify the caller — see oidc-task-auth.ts).
//
// - One named task per spec: `projects/P/locations/L/queues/Q/tasks/<spec.name>`. Cloud Tasks keeps a
//   used name reserved (about an hour, up to days), so a re-enqueue answers ALREADY_EXISTS, which is
//   the port's `{ created: false, reason: 'already_exists' }`.
// - There is no batch create: every task is one CreateTask call. The library hits
//   DEADLINE_EXCEEDED under unbounded parallel creates, so the calls share one client (given by the
//   caller) and a semaphore bounds how many are outstanding (`maxConcurrentCreates`, default 16).
// - CreateTask is not retried by the library (its retry codes for it are empty); transient failures
//   (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, 429/502/503/504, dropped connections) are
//   retried here with jittered exponential backoff. Because the task is named, a retry is safe: if the
//   lost attempt did create the task, the retry gets ALREADY_EXISTS, and that counts as created.
// - The body is sent as JSON (the client base64-encodes the bytes on the REST transport). Cloud Tasks
//   refuses tasks over 100 KB; a body over 90 KB throws before any call.
import type { CloudTasksClient, protos } from '@google-cloud/tasks';
import { TASK_NAME_PATTERN, type EnqueueResult, type QueueStats, type TaskQueue, type TaskSpec } from '../../ports/task-queue';
import { describeError, isAlreadyExists, isTransient } from './cloud-tasks-errors';
import { CloudTasksSemaphore } from './cloud-tasks-semaphore';

/** Largest JSON body accepted, in bytes (Cloud Tasks' task limit is 100 KB including headers etc.). */
export const MAX_TASK_BODY_BYTES = 90 * 1024;

export interface CloudTasksQueueOptions {
  /** One client for the whole process (reuse it: a client per call is slow and exhausts sockets). */
  client: Pick<CloudTasksClient, 'createTask'>;
  project: string;
  location: string;
  /** Queue id (the last segment of the queue's resource name). Also this TaskQueue's `name`. */
  queue: string;
  /** The service's own base URL, e.g. `https://rowshot-abc-uc.a.run.app`; `spec.path` is appended. */
  targetBaseUrl: string;
  /** The OIDC token Cloud Tasks attaches to each push: signed for this service account, for this audience. */
  oidc: { serviceAccountEmail: string; audience: string };
  /** Dispatch deadline per push, 15–1800 s. Absent: the Cloud Tasks default (10 min). */
  dispatchDeadlineSeconds?: number;
  /** CreateTask calls outstanding at once. Default 16. */
  maxConcurrentCreates?: number;
  /** Attempts per CreateTask including the first, for transient failures. Default 4. */
  maxCreateAttempts?: number;
  /** Base of the jittered exponential backoff between attempts. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Cap of one backoff delay. Default 5 s. */
  retryMaxDelayMs?: number;
}

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class CloudTasksQueue implements TaskQueue {
  readonly name: string;
  /** `projects/P/locations/L/queues/Q`. */
  readonly queuePath: string;
  private readonly client: Pick<CloudTasksClient, 'createTask'>;
  private readonly targetBaseUrl: string;
  private readonly oidc: { serviceAccountEmail: string; audience: string };
  private readonly dispatchDeadlineSeconds: number | undefined;
  private readonly semaphore: CloudTasksSemaphore;
  private readonly maxCreateAttempts: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;

  constructor(opts: CloudTasksQueueOptions) {
    for (const [key, value] of [
      ['project', opts.project],
      ['location', opts.location],
      ['queue', opts.queue],
    ] as const) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(value)) throw new Error(`CloudTasksQueue: invalid ${key} ${JSON.stringify(value)}`);
    }
    if (!/^https?:\/\//.test(opts.targetBaseUrl)) throw new Error(`CloudTasksQueue: targetBaseUrl must be an http(s) URL, got ${JSON.stringify(opts.targetBaseUrl)}`);
    if (!opts.oidc?.serviceAccountEmail || !opts.oidc.audience) throw new Error('CloudTasksQueue: oidc.serviceAccountEmail and oidc.audience are required');
    const dd = opts.dispatchDeadlineSeconds;
    if (dd !== undefined && !(Number.isInteger(dd) && dd >= 15 && dd <= 1800)) {
      throw new Error(`CloudTasksQueue: dispatchDeadlineSeconds must be a whole number from 15 to 1800, got ${dd}`);
    }
    const maxAttempts = opts.maxCreateAttempts ?? 4;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`CloudTasksQueue: maxCreateAttempts must be ≥ 1, got ${maxAttempts}`);

    this.client = opts.client;
    this.name = opts.queue;
    this.queuePath = `projects/${opts.project}/locations/${opts.location}/queues/${opts.queue}`;
    this.targetBaseUrl = opts.targetBaseUrl.replace(/\/+$/, '');
    this.oidc = { serviceAccountEmail: opts.oidc.serviceAccountEmail, audience: opts.oidc.audience };
    this.dispatchDeadlineSeconds = dd;
    this.semaphore = new CloudTasksSemaphore(opts.maxConcurrentCreates ?? 16);
    this.maxCreateAttempts = maxAttempts;
    this.retryBaseDelayMs = Math.max(0, opts.retryBaseDelayMs ?? 200);
    this.retryMaxDelayMs = Math.max(this.retryBaseDelayMs, opts.retryMaxDelayMs ?? 5000);
  }

  async enqueue(spec: TaskSpec): Promise<EnqueueResult> {
    const request = this.buildRequest(spec);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.semaphore.run(() => this.client.createTask(request));
        return { created: true };
      } catch (err) {
        if (isAlreadyExists(err)) {
          // On a retry, ALREADY_EXISTS most likely means our own earlier attempt got through.
          return attempt > 1 ? { created: true } : { created: false, reason: 'already_exists' };
        }
        if (!isTransient(err) || attempt >= this.maxCreateAttempts) {
          throw new Error(`CloudTasksQueue ${this.name}: creating task ${spec.name} failed after ${attempt} attempt(s): ${describeError(err)}`, { cause: err });
        }
        // Full jitter over [cap/2, cap]: spreads a burst of retries without ever retrying at once.
        const cap = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
        await sleep(cap / 2 + Math.random() * (cap / 2));
      }
    }
  }

  /**
   * Cloud Tasks has no cheap way to read a queue's depth (only a paged ListTasks, or Cloud
   * Monitoring's delayed metrics), so `depth` is -1, meaning unknown. `inFlight` is the number of
   * CreateTask calls this instance has outstanding right now (at most maxConcurrentCreates).
   */
  async stats(): Promise<QueueStats> {
    return { depth: -1, inFlight: this.semaphore.inUse };
  }

  /** The CreateTask request for a spec (exported for tests and diagnostics). */
  buildRequest(spec: TaskSpec): CreateTaskRequest {
    if (typeof spec.name !== 'string' || !TASK_NAME_PATTERN.test(spec.name)) {
      throw new Error(`CloudTasksQueue ${this.name}: invalid task name ${JSON.stringify(spec.name)} (must match ${TASK_NAME_PATTERN})`);
    }
    if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) {
      throw new Error(`CloudTasksQueue ${this.name}: task path must start with '/', got ${JSON.stringify(spec.path)}`);
    }
    const body = Buffer.from(JSON.stringify(spec.body ?? null), 'utf8');
    if (body.length > MAX_TASK_BODY_BYTES) {
      throw new Error(
        `CloudTasksQueue ${this.name}: task ${spec.name} body is ${body.length} bytes, over the ${MAX_TASK_BODY_BYTES}-byte limit (Cloud Tasks refuses tasks over 100 KB); store large data and pass a reference`,
      );
    }
    const task: protos.google.cloud.tasks.v2.ITask = {
      name: `${this.queuePath}/tasks/${spec.name}`,
      httpRequest: {
        url: this.targetBaseUrl + spec.path,
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        oidcToken: { serviceAccountEmail: this.oidc.serviceAccountEmail, audience: this.oidc.audience },
      },
    };
    if (spec.scheduleTime !== undefined) {
      if (!Number.isFinite(spec.scheduleTime)) throw new Error(`CloudTasksQueue ${this.name}: scheduleTime must be epoch ms, got ${spec.scheduleTime}`);
      const ms = Math.round(spec.scheduleTime);
      const seconds = Math.floor(ms / 1000);
      task.scheduleTime = { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
    }
    if (this.dispatchDeadlineSeconds !== undefined) task.dispatchDeadline = { seconds: this.dispatchDeadlineSeconds };
    return { parent: this.queuePath, task };
  }
}
