// LocalTaskQueue: the TaskQueue port as a durable local queue with Cloud Tasks semantics — named
// tasks (a name stays reserved while the task exists and for nameRetentionMs after it finished),
// schedule time, HTTP push to our own handlers, retries with the Cloud Tasks backoff, Retry-After,
// a dispatch deadline, maxAttempts, a dispatch rate and a concurrency limit.
//
// Storage. One object per task name, `tasks/<name>`, in the given BlobStore (a LocalStore rooted in
// the queue's own directory). It holds the pending task; when the task finishes it is overwritten
// (CAS) with a `done` marker carrying the name reservation's expiry, which a periodic sweep deletes
// once expired (the sweep's listing also lets the LocalStore reclaim long-deleted keys' directories).
// One object per name rather than `tasks/` + `done/` pairs: every transition (enqueue, attempt,
// finish, name reuse) is a single atomic write, so no crash can fall between two writes, and it takes
// half the files. Why a BlobStore and not SQLite or an append-only log:
// the records get the same atomic, fsynced, compare-and-swap semantics as every other object of the
// service (one storage engine to trust and test, not two); there is nothing to compile
// (better-sqlite3 builds from source for ~50 s on every clean install here); and crash safety comes
// by construction — after kill -9 the queue is exactly the set of `tasks/*` objects, with no journal
// to replay and no lock to break.
//
// Dispatch state. Before each push the record is rewritten (CAS on its generation) with the attempt
// counted and the time the next attempt would be due if this one failed. So a task that was in flight
// when the process died is dispatched again by the next queue started on the store (at-least-once),
// with its retry count advanced — and a task that crashes the process every time still reaches
// maxAttempts instead of crash-looping forever. A 2xx overwrites the record with its done marker.
//
// In memory: a Map of the live tasks and a min-heap of waiting ones by due time, rebuilt from the
// store (one listing) on the first use; no per-dispatch rescan. One timer, armed for the next due task
// or the next rate-limit token, drives dispatch: no polling, and nothing keeps the process alive
// once stopped (keep-alive sockets are unref'd by node while idle and closed by stop()).
//
// One LocalTaskQueue instance owns a store at a time. A second process may take over a store after the
// first died (that is the recovery path); two live instances on one store would both dispatch.
import http from 'node:http';
import https from 'node:https';
import { mapLimit } from '../../core/concurrency';
import type { BlobStore, Generation } from '../../ports/blob-store';
import { TASK_HEADERS, TASK_NAME_PATTERN, type EnqueueResult, type QueueStats, type TaskQueue, type TaskSpec } from '../../ports/task-queue';
import { parseRetryAfterMs } from '../retry-after';
import { backoffDelayMs } from './backoff';
import { MinHeap } from './min-heap';
import { defaultBurst, TokenBucket } from './rate-limiter';

export interface LocalTaskQueueConfig {
  /** Token bucket rate; the burst is 1 up to 50/s, then 20 ms worth of tokens (see rate-limiter.ts). */
  maxDispatchesPerSecond: number;
  /** Pushes in flight at once. */
  maxConcurrentDispatches: number;
  /** Cloud Tasks RetryConfig: see backoff.ts for the exact schedule. */
  minBackoffMs: number;
  maxBackoffMs: number;
  maxDoublings: number;
  /** Attempts including the first; -1 = unlimited. After the last failed attempt the task is dropped. */
  maxAttempts: number;
  /** A push without a complete response within this time is aborted and counts as a failure. */
  dispatchDeadlineMs: number;
  /** How long the name of a finished (or dropped) task stays reserved. Default 1 hour. */
  nameRetentionMs?: number;
}

/** Structurally compatible with pino and with the core's Logger. */
export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LocalTaskQueueOptions {
  /** Queue name: sent as the queue-name header and used in logs. */
  name: string;
  /** Where task records live: a LocalStore rooted in this queue's own directory. */
  store: BlobStore;
  config: LocalTaskQueueConfig;
  /** Value of the Authorization header on every push, e.g. `Bearer xyz`; called per push. */
  authHeader: () => string;
  /** Epoch-ms clock for schedule times, backoff due times and name retention (default Date.now). */
  now?: () => number;
  logger?: QueueLogger;
}

export const DEFAULT_NAME_RETENTION_MS = 60 * 60 * 1000;

/** `tasks/<name>` while the task is pending (waiting, scheduled or in flight). */
interface TaskRecord {
  v: 1;
  state: 'pending';
  name: string;
  path: string;
  /** The JSON body, serialized once at enqueue. */
  body: string;
  /** Requested schedule time (epoch ms): the ETA header. */
  scheduleTime: number;
  enqueuedAt: number;
  /** Dispatches started so far (the retry count of the next push). */
  attempts: number;
  /** Not before this time (epoch ms). */
  nextAttemptAt: number;
}

/** `tasks/<name>` once the task finished: the name stays reserved until `expiresAt`. */
interface DoneRecord {
  v: 1;
  state: 'done';
  name: string;
  outcome: 'succeeded' | 'dropped';
  completedAt: number;
  expiresAt: number;
  attempts: number;
}

interface Entry {
  rec: TaskRecord;
  generation: Generation;
  /** When it may be dispatched (epoch ms, queue clock). */
  due: number;
  /** FIFO among equal due times. */
  seq: number;
}

type PushOutcome =
  | { kind: 'response'; status: number; retryAfterMs: number | undefined }
  | { kind: 'error'; message: string; deadline: boolean };

const TASKS = 'tasks/';
const taskKey = (name: string) => `${TASKS}${name}`;
const JSON_TYPE = 'application/json';
/** Timers are re-armed at least this often, so a far-future task or a moved clock is re-checked. */
const MAX_TIMER_MS = 60_000;
const LOAD_CONCURRENCY = 32;

/** Without a logger: info is dropped, warnings and errors go to the console. */
const defaultLogger: QueueLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

function checkConfig(name: string, c: LocalTaskQueueConfig): Required<LocalTaskQueueConfig> {
  const positive = (k: keyof LocalTaskQueueConfig, v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v) || v <= 0) throw new Error(`LocalTaskQueue ${name}: config.${k} must be a positive number, got ${v}`);
  };
  const nonNegative = (k: keyof LocalTaskQueueConfig, v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v) || v < 0) throw new Error(`LocalTaskQueue ${name}: config.${k} must be ≥ 0, got ${v}`);
  };
  positive('maxDispatchesPerSecond', c.maxDispatchesPerSecond);
  positive('maxConcurrentDispatches', c.maxConcurrentDispatches);
  positive('dispatchDeadlineMs', c.dispatchDeadlineMs);
  nonNegative('minBackoffMs', c.minBackoffMs);
  nonNegative('maxBackoffMs', c.maxBackoffMs);
  nonNegative('maxDoublings', c.maxDoublings);
  if (c.maxBackoffMs < c.minBackoffMs) throw new Error(`LocalTaskQueue ${name}: config.maxBackoffMs < minBackoffMs`);
  if (!(c.maxAttempts === -1 || (Number.isInteger(c.maxAttempts) && c.maxAttempts >= 1))) {
    throw new Error(`LocalTaskQueue ${name}: config.maxAttempts must be -1 or an integer ≥ 1, got ${c.maxAttempts}`);
  }
  const nameRetentionMs = c.nameRetentionMs ?? DEFAULT_NAME_RETENTION_MS;
  nonNegative('nameRetentionMs', nameRetentionMs);
  return { ...c, maxConcurrentDispatches: Math.floor(c.maxConcurrentDispatches), nameRetentionMs };
}

const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);

function parseRecord(data: Buffer): TaskRecord | DoneRecord {
  const r = JSON.parse(data.toString('utf8')) as Partial<TaskRecord> | Partial<DoneRecord>;
  if (r.v !== 1 || typeof r.name !== 'string') throw new Error('not a task record');
  if (r.state === 'done') {
    const d = r as Partial<DoneRecord>;
    return {
      v: 1,
      state: 'done',
      name: r.name,
      outcome: d.outcome === 'dropped' ? 'dropped' : 'succeeded',
      completedAt: num(d.completedAt, 0),
      expiresAt: num(d.expiresAt, 0),
      attempts: num(d.attempts, 0),
    };
  }
  const t = r as Partial<TaskRecord>;
  if (r.state !== 'pending' || typeof t.path !== 'string' || typeof t.body !== 'string') throw new Error('not a task record');
  return {
    v: 1,
    state: 'pending',
    name: r.name,
    path: t.path,
    body: t.body,
    scheduleTime: num(t.scheduleTime, 0),
    enqueuedAt: num(t.enqueuedAt, 0),
    attempts: num(t.attempts, 0),
    nextAttemptAt: num(t.nextAttemptAt, 0),
  };
}

export class LocalTaskQueue implements TaskQueue {
  readonly name: string;
  private readonly store: BlobStore;
  private readonly cfg: Required<LocalTaskQueueConfig>;
  private readonly authHeader: () => string;
  private readonly now: () => number;
  private readonly log: QueueLogger;

  /** Every live task (waiting or in flight), by name. */
  private readonly entries = new Map<string, Entry>();
  /** Waiting tasks by due time. Entries in flight are not in the heap. */
  private readonly heap = new MinHeap<Entry>((a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq));
  /** Finished tasks' name reservations (their done markers in the store): expiry and generation. */
  private readonly done = new Map<string, { expiresAt: number; generation: Generation }>();
  private seq = 0;
  private inFlight = 0;
  private readonly inFlightPushes = new Set<Promise<void>>();
  private loading: Promise<void> | null = null;
  private loaded = false;

  private running = false;
  private baseUrl: URL | null = null;
  private agent: http.Agent | null = null;
  private readonly limiter: TokenBucket;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private sweepTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(options: LocalTaskQueueOptions) {
    if (!options.name) throw new Error('LocalTaskQueue: name is required');
    this.name = options.name;
    this.store = options.store;
    this.cfg = checkConfig(options.name, options.config);
    this.authHeader = options.authHeader;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? defaultLogger;
    this.limiter = new TokenBucket(this.cfg.maxDispatchesPerSecond, defaultBurst(this.cfg.maxDispatchesPerSecond));
  }

  // ---------------------------------------------------------------------------------------------
  // Port

  async enqueue(task: TaskSpec): Promise<EnqueueResult> {
    if (typeof task.name !== 'string' || !TASK_NAME_PATTERN.test(task.name)) {
      throw new Error(`LocalTaskQueue ${this.name}: invalid task name ${JSON.stringify(task.name)} (must match ${TASK_NAME_PATTERN})`);
    }
    if (typeof task.path !== 'string' || !task.path.startsWith('/')) {
      throw new Error(`LocalTaskQueue ${this.name}: task path must start with '/', got ${JSON.stringify(task.path)}`);
    }
    if (task.scheduleTime !== undefined && !Number.isFinite(task.scheduleTime)) {
      throw new Error(`LocalTaskQueue ${this.name}: scheduleTime must be epoch milliseconds, got ${task.scheduleTime}`);
    }
    const body = JSON.stringify(task.body ?? null);
    await this.ensureLoaded();
    const name = task.name;
    const key = taskKey(name);
    for (let attempt = 0; attempt < 100; attempt++) {
      const now = this.now();
      if (this.entries.has(name)) return { created: false, reason: 'already_exists' };
      const reserved = this.done.get(name);
      if (reserved !== undefined && reserved.expiresAt > now) return { created: false, reason: 'already_exists' };

      const scheduleTime = task.scheduleTime ?? now;
      const rec: TaskRecord = { v: 1, state: 'pending', name, path: task.path, body, scheduleTime, enqueuedAt: now, attempts: 0, nextAttemptAt: scheduleTime };
      // Create-only, or replace an expired done marker by CAS: the store arbitrates concurrent enqueues.
      const put = await this.store.put(key, JSON.stringify(rec), {
        ifGenerationMatch: reserved === undefined ? 0 : reserved.generation,
        contentType: JSON_TYPE,
      });
      if (put.ok) {
        this.done.delete(name);
        if (this.entries.has(name)) return { created: false, reason: 'already_exists' }; // a racing enqueue won
        this.addEntry(rec, put.generation);
        this.pump();
        return { created: true };
      }
      // Something is there that we did not know about (or it changed): look at it.
      const blob = await this.store.get(key);
      if (blob === null) {
        this.done.delete(name);
        continue;
      }
      const stored = parseRecord(blob.data);
      if (stored.state === 'pending') return { created: false, reason: 'already_exists' };
      this.done.set(name, { expiresAt: stored.expiresAt, generation: blob.generation });
      if (stored.expiresAt > now) return { created: false, reason: 'already_exists' };
      // expired: the next round replaces it by CAS
    }
    throw new Error(`LocalTaskQueue ${this.name}: could not enqueue ${name}: the record keeps changing`);
  }

  async stats(): Promise<QueueStats> {
    await this.ensureLoaded();
    return { depth: this.entries.size, inFlight: this.inFlight };
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Begins dispatching by POST to `baseUrl + task.path`. Returns at once; the task index is loaded
   * from the store in the background (errors are logged and the load retried).
   */
  start(baseUrl: string): void {
    if (this.running) throw new Error(`LocalTaskQueue ${this.name}: already started`);
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LocalTaskQueue ${this.name}: baseUrl must be http(s): ${baseUrl}`);
    this.baseUrl = url;
    this.agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.running = true;
    this.loadThenPump();
    this.armSweep(1000);
  }

  private loadThenPump(): void {
    this.ensureLoaded().then(
      () => {
        this.log.info({ queue: this.name, depth: this.entries.size }, 'task queue started');
        this.pump();
      },
      () => {
        // Logged by ensureLoaded; try again while started.
        const retry = setTimeout(() => {
          if (this.running) this.loadThenPump();
        }, 1000);
        retry.unref();
      },
    );
  }

  /** Stops dispatching and waits for pushes in flight. Tasks stay in the store for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    if (this.sweepTimer !== null) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    while (this.inFlightPushes.size > 0) await Promise.allSettled([...this.inFlightPushes]);
    this.agent?.destroy();
    this.agent = null;
  }

  /** Resolves when no task is waiting or in flight (scheduled tasks count as waiting). */
  async onIdle(): Promise<void> {
    await this.ensureLoaded();
    if (this.entries.size === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  // ---------------------------------------------------------------------------------------------
  // Loading the index

  private ensureLoaded(): Promise<void> {
    if (this.loading === null) {
      this.loading = this.load().catch((err: unknown) => {
        this.log.error({ queue: this.name, err }, 'task queue: loading tasks from the store failed; retrying');
        this.loading = null;
        throw err;
      });
    }
    return this.loading;
  }

  private async load(): Promise<void> {
    const now = this.now();
    const keys: string[] = [];
    for await (const key of this.listAll(TASKS)) keys.push(key);
    await mapLimit(keys, LOAD_CONCURRENCY, async (key) => {
      const blob = await this.store.get(key);
      if (blob === null) return;
      let rec: TaskRecord | DoneRecord;
      try {
        rec = parseRecord(blob.data);
      } catch (err) {
        this.log.error({ queue: this.name, key, err }, 'task queue: unreadable task record left in place');
        return;
      }
      if (rec.state === 'done') {
        if (rec.expiresAt > now) this.done.set(rec.name, { expiresAt: rec.expiresAt, generation: blob.generation });
        else await this.store.delete(key, { ifGenerationMatch: blob.generation });
        return;
      }
      if (this.cfg.maxAttempts !== -1 && rec.attempts >= this.cfg.maxAttempts) {
        // Its last attempt was in flight when the previous process died: that attempt failed.
        await this.finish(rec, blob.generation, 'dropped');
        this.log.error({ queue: this.name, task: rec.name, attempts: rec.attempts }, 'task dropped: its last attempt was interrupted by a restart');
        return;
      }
      if (!this.entries.has(rec.name)) this.addEntry(rec, blob.generation);
    });
    this.loaded = true;
  }

  private async *listAll(prefix: string): AsyncGenerator<string> {
    let pageToken: string | undefined;
    do {
      const page = await this.store.list(prefix, pageToken === undefined ? { maxResults: 1000 } : { maxResults: 1000, pageToken });
      yield* page.keys;
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
  }

  private addEntry(rec: TaskRecord, generation: Generation): void {
    const entry: Entry = { rec, generation, due: Math.max(rec.scheduleTime, rec.nextAttemptAt), seq: this.seq++ };
    this.entries.set(rec.name, entry);
    this.heap.push(entry);
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch loop

  private pump(): void {
    if (!this.running || !this.loaded) return;
    while (this.inFlight < this.cfg.maxConcurrentDispatches) {
      const top = this.heap.peek();
      if (top === undefined) break;
      const now = this.now();
      if (top.due > now) {
        this.arm(top.due - now);
        return;
      }
      const wait = this.limiter.tryTake();
      if (wait > 0) {
        this.arm(wait);
        return;
      }
      this.heap.pop();
      this.launch(top);
    }
    // Nothing to wait for with a timer: either idle, or full (a finishing push calls pump()).
    this.clearTimer();
  }

  private arm(ms: number): void {
    const delay = Math.max(1, Math.min(MAX_TIMER_MS, Math.ceil(ms)));
    const at = performance.now() + delay;
    if (this.timer !== null && this.timerAt <= at + 1) return; // an earlier wake-up is already set
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private launch(entry: Entry): void {
    this.inFlight++;
    const p = this.dispatch(entry)
      .catch((err: unknown) => {
        // Storage failed around the push: keep the task and try again later.
        this.log.error({ queue: this.name, task: entry.rec.name, err }, 'task queue: dispatch bookkeeping failed; will retry');
        if (this.entries.get(entry.rec.name) === entry) {
          entry.due = this.now() + Math.max(this.cfg.minBackoffMs, 100);
          this.heap.push(entry);
        }
      })
      .finally(() => {
        this.inFlight--;
        this.inFlightPushes.delete(p);
        this.pump();
        this.checkIdle();
      });
    this.inFlightPushes.add(p);
  }

  private async dispatch(entry: Entry): Promise<void> {
    const name = entry.rec.name;
    const retryCount = entry.rec.attempts;
    const startedAt = this.now();
    // Count the attempt durably before pushing (see the header comment).
    const leased: TaskRecord = { ...entry.rec, attempts: retryCount + 1, nextAttemptAt: startedAt + backoffDelayMs(retryCount, this.cfg) };
    const put = await this.store.put(taskKey(name), JSON.stringify(leased), { ifGenerationMatch: entry.generation, contentType: JSON_TYPE });
    if (!put.ok) {
      await this.reload(entry);
      return;
    }
    entry.rec = leased;
    entry.generation = put.generation;

    const outcome = await this.push(leased, retryCount);
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      await this.finish(leased, entry.generation, 'succeeded');
      return;
    }
    const detail = outcome.kind === 'response' ? { status: outcome.status } : { error: outcome.message, deadlineExceeded: outcome.deadline };
    if (this.cfg.maxAttempts !== -1 && leased.attempts >= this.cfg.maxAttempts) {
      await this.finish(leased, entry.generation, 'dropped');
      this.log.error({ queue: this.name, task: name, attempts: leased.attempts, ...detail }, 'task dropped after its last attempt');
      return;
    }
    let delay = backoffDelayMs(retryCount, this.cfg);
    if (outcome.kind === 'response' && (outcome.status === 429 || outcome.status === 503) && outcome.retryAfterMs !== undefined) {
      delay = Math.max(delay, outcome.retryAfterMs);
    }
    const due = this.now() + delay;
    if (due > leased.nextAttemptAt + 1000) {
      // Retry-After pushed it well past the recorded time: record it, so a restart honours it too.
      const later: TaskRecord = { ...leased, nextAttemptAt: due };
      const r = await this.store.put(taskKey(name), JSON.stringify(later), { ifGenerationMatch: entry.generation, contentType: JSON_TYPE });
      if (!r.ok) {
        await this.reload(entry);
        return;
      }
      entry.rec = later;
      entry.generation = r.generation;
    }
    this.log.warn({ queue: this.name, task: name, retryCount, retryInMs: delay, ...detail }, 'task attempt failed; will retry');
    entry.due = due;
    if (this.entries.get(name) === entry) this.heap.push(entry);
  }

  /** The record changed under us (another instance on the store): adopt what the store has. */
  private async reload(entry: Entry): Promise<void> {
    const name = entry.rec.name;
    this.log.warn({ queue: this.name, task: name }, 'task record changed in the store; reloading it');
    const blob = await this.store.get(taskKey(name));
    if (blob === null) {
      if (this.entries.get(name) === entry) this.entries.delete(name);
      return;
    }
    const rec = parseRecord(blob.data);
    if (rec.state === 'done') {
      if (this.entries.get(name) === entry) this.entries.delete(name);
      this.done.set(name, { expiresAt: rec.expiresAt, generation: blob.generation });
      return;
    }
    entry.rec = rec;
    entry.generation = blob.generation;
    entry.due = Math.max(rec.scheduleTime, rec.nextAttemptAt);
    if (this.entries.get(name) === entry) this.heap.push(entry);
  }

  /** Overwrites the task with its done marker, which keeps the name reserved for nameRetentionMs. */
  private async finish(rec: TaskRecord, generation: Generation, outcome: DoneRecord['outcome']): Promise<void> {
    const now = this.now();
    const done: DoneRecord = { v: 1, state: 'done', name: rec.name, outcome, completedAt: now, expiresAt: now + this.cfg.nameRetentionMs, attempts: rec.attempts };
    const put = await this.store.put(taskKey(rec.name), JSON.stringify(done), { ifGenerationMatch: generation, contentType: JSON_TYPE });
    if (put.ok) this.done.set(rec.name, { expiresAt: done.expiresAt, generation: put.generation });
    else this.log.warn({ queue: this.name, task: rec.name }, 'task record changed in the store before it could be marked done');
    this.entries.delete(rec.name);
  }

  private push(rec: TaskRecord, retryCount: number): Promise<PushOutcome> {
    const base = this.baseUrl;
    const agent = this.agent;
    if (base === null || agent === null) return Promise.resolve({ kind: 'error', message: 'queue stopped', deadline: false });
    const url = new URL(base.href.replace(/\/+$/, '') + rec.path);
    const body = Buffer.from(rec.body, 'utf8');
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': body.length,
      authorization: this.authHeader(),
      [TASK_HEADERS.taskName]: rec.name,
      [TASK_HEADERS.retryCount]: String(retryCount),
      // Kept simple, as agreed: the number of previous dispatches. (Cloud Tasks counts only previous
      // attempts that got a non-5xx response.)
      [TASK_HEADERS.executionCount]: String(retryCount),
      [TASK_HEADERS.queueName]: this.name,
      // Seconds since the epoch, with milliseconds: "1763785123.456".
      [TASK_HEADERS.eta]: (rec.scheduleTime / 1000).toFixed(3),
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<PushOutcome>((resolve) => {
      let settled = false;
      const settle = (o: PushOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      const req = request(url, { method: 'POST', headers, agent }, (res) => {
        const status = res.statusCode ?? 0;
        const retryAfterMs = parseRetryAfterMs(res.headers['retry-after'], Date.now());
        res.on('error', (err) => settle({ kind: 'error', message: err.message, deadline: false }));
        res.on('end', () => settle({ kind: 'response', status, retryAfterMs }));
        res.on('close', () => settle({ kind: 'error', message: 'connection closed before the response ended', deadline: false }));
        res.resume(); // drain, so the socket can be reused
      });
      const deadline = setTimeout(() => {
        settle({ kind: 'error', message: `no response within ${this.cfg.dispatchDeadlineMs} ms`, deadline: true });
        req.destroy(new Error('dispatch deadline exceeded'));
      }, this.cfg.dispatchDeadlineMs);
      req.on('error', (err) => settle({ kind: 'error', message: err.message, deadline: false }));
      req.end(body);
    });
  }

  private checkIdle(): void {
    if (this.entries.size > 0 || this.inFlight > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  // ---------------------------------------------------------------------------------------------
  // Expired name reservations

  private armSweep(delayMs: number): void {
    if (!this.running) return;
    const every = Math.min(Math.max(this.cfg.nameRetentionMs / 4, 1000), 10 * 60 * 1000);
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep()
        .catch((err: unknown) => this.log.warn({ queue: this.name, err }, 'task queue: sweeping expired names failed'))
        .finally(() => this.armSweep(every));
    }, delayMs);
    this.sweepTimer.unref();
  }

  /**
   * Deletes done markers whose reservation expired, then walks `tasks/` once: the walk is what lets a
   * LocalStore reclaim the directories of keys deleted long ago.
   */
  private async sweep(): Promise<void> {
    const now = this.now();
    for (const [name, d] of [...this.done]) {
      if (!this.running) return;
      if (d.expiresAt > now) continue;
      if (this.done.get(name) !== d) continue; // re-enqueued meanwhile
      this.done.delete(name);
      await this.store.delete(taskKey(name), { ifGenerationMatch: d.generation });
    }
    for await (const _ of this.listAll(TASKS)) {
      if (!this.running) return;
    }
  }
}
