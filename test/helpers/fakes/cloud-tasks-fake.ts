// An in-memory HTTP server for the subset of the Cloud Tasks v2 REST API (the `fallback: true`
// transport of @google-cloud/tasks) that CloudTasksQueue uses: CreateTask.
//
//   POST /v2/projects/P/locations/L/queues/Q/tasks?$alt=json;enum-encoding=int
//   body { task: { name, httpRequest: {...}, scheduleTime?, dispatchDeadline? } }
//
// It records every request, answers 409 ALREADY_EXISTS for a name it already holds, counts the
// largest number of requests in flight at once, and can inject transient failures.
//
// With `{ dispatch: { key } }` it also pushes every created task like Cloud Tasks does: at its
// scheduleTime, an HTTP request to httpRequest.url with the task's body and headers, a fresh OIDC ID
// token (signed with `key`) as `Authorization: Bearer`, and the X-CloudTasks-* headers. 2xx completes
// the task; anything else (or a network error / dispatch deadline) is retried with exponential
// backoff, honouring Retry-After (capped at maxBackoffMs), up to maxAttempts. A completed or dropped
// task leaves `tasks`, but its name stays reserved (`reservedNames`), so re-creating it is still 409.
// Removing a pending task from `tasks` cancels it (like DeleteTask).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mintIdToken, type OidcKey } from './oidc';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string (after `?`), e.g. `$alt=json;enum-encoding=int`. */
  query: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when the body was not JSON). */
  body: unknown;
}

export interface StoredTask {
  name: string;
  httpRequest?: Record<string, unknown>;
  scheduleTime?: unknown;
  dispatchDeadline?: unknown;
  [key: string]: unknown;
}

export type InjectedFailure = 503 | 'deadline';

export interface CloudTasksDispatchOptions {
  /** Signs the OIDC ID token attached to each push (from makeOidcKey). */
  key: OidcKey;
  /** `iss` of the minted tokens. Default https://accounts.google.com. */
  issuer?: string;
  /** First retry delay; doubles per attempt. Default 50 ms. */
  minBackoffMs?: number;
  /** Cap of one retry delay, also applied to Retry-After. Default 1000 ms. */
  maxBackoffMs?: number;
  /** Attempts per task including the first; then the task is dropped. Default 10. */
  maxAttempts?: number;
  /** Pushes in flight at once, per fake. Default 8. */
  maxConcurrent?: number;
}

export interface CloudTasksFakeOptions {
  /** Push created tasks to their URLs. Absent: tasks are only stored (the original behaviour). */
  dispatch?: CloudTasksDispatchOptions;
}

export interface DispatchRecord {
  /** Short task name (after `/tasks/`). */
  name: string;
  /** HTTP status of the push; 0 for a network error or an exceeded dispatch deadline. */
  status: number;
  /** 1-based attempt number (X-CloudTasks-TaskRetryCount + 1). */
  attempt: number;
  /** Network error message when status is 0. */
  error?: string;
}

export interface CloudTasksFake {
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Created tasks by full name. */
  readonly tasks: Map<string, StoredTask>;
  /** Largest number of requests being handled at the same time so far. */
  readonly maxConcurrent: number;
  /** Delay before answering each CreateTask (to make concurrency observable). */
  responseDelayMs: number;
  /** The next `times` CreateTask requests fail: 503 UNAVAILABLE or 504 DEADLINE_EXCEEDED. */
  injectFailure(kind: InjectedFailure, times?: number): void;
  /** Dispatch mode: every push attempt, in order of completion. Always empty without dispatch. */
  readonly dispatched: DispatchRecord[];
  /** Full names of completed or dropped tasks: still answer 409 on re-create. */
  readonly reservedNames: Set<string>;
  /** Largest number of pushes in flight at the same time so far. */
  readonly maxConcurrentDispatches: number;
  /**
   * Resolves when no task is waiting for its time, waiting for a slot, or being pushed. (A CreateTask
   * still being answered does not count.) Resolves at once without dispatch or after close().
   */
  idle(): Promise<void>;
  /** Stops dispatching (pending tasks stay in `tasks`), waits for pushes in flight, then closes. Idempotent. */
  close(): Promise<void>;
}

const CREATE_PATH = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks$/;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, httpStatus: number, status: string, message: string): void {
  sendJson(res, httpStatus, { error: { code: httpStatus, message, status } });
}

const HTTP_METHODS = ['POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** proto3 JSON Timestamp (RFC 3339 string) or `{ seconds, nanos }` → epoch ms. */
function timestampMs(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (v && typeof v === 'object') {
    const { seconds, nanos } = v as { seconds?: unknown; nanos?: unknown };
    const ms = Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** proto3 JSON Duration (`"600s"`) or `{ seconds, nanos }` → ms. */
function durationMs(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(v);
    return m ? Number(m[1]) * 1000 : undefined;
  }
  if (v && typeof v === 'object') {
    const { seconds, nanos } = v as { seconds?: unknown; nanos?: unknown };
    const ms = Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  }
  return undefined;
}

function httpMethodOf(v: unknown): string {
  if (typeof v === 'number') return HTTP_METHODS[v] ?? 'POST';
  if (typeof v === 'string' && v !== '' && v !== 'HTTP_METHOD_UNSPECIFIED') return v.toUpperCase();
  return 'POST';
}

/** Retry-After as delta-seconds or an HTTP date → ms (≥ 0); undefined when absent or unparsable. */
function retryAfterMs(v: string | string[] | undefined): number | undefined {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  if (!s) return undefined;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

interface PendingTask {
  fullName: string;
  shortName: string;
  queueName: string;
  stored: StoredTask;
  etaMs: number;
  /** Attempts made so far. */
  attempts: number;
  /** Attempts that got an HTTP response (X-CloudTasks-TaskExecutionCount). */
  responses: number;
  timer?: NodeJS.Timeout;
}

interface PushResult {
  status: number;
  retryAfter?: string | string[];
  error?: string;
}

function push(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, deadlineMs: number): Promise<PushResult> {
  return new Promise<PushResult>((resolve) => {
    let settled = false;
    const settle = (r: PushResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    let req: http.ClientRequest;
    try {
      const mod = url.startsWith('https:') ? https : http;
      req = mod.request(url, { method, headers, agent: false });
    } catch (err) {
      resolve({ status: 0, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const timer = setTimeout(() => req.destroy(new Error(`dispatch deadline of ${deadlineMs} ms exceeded`)), Math.min(deadlineMs, MAX_TIMER_MS));
    timer.unref();
    req.on('error', (err) => settle({ status: 0, error: err.message }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const retryAfter = res.headers['retry-after'];
      res.on('error', () => undefined);
      res.on('end', () => settle(retryAfter === undefined ? { status } : { status, retryAfter }));
      res.on('close', () => settle(retryAfter === undefined ? { status } : { status, retryAfter }));
      res.resume();
    });
    req.end(body);
  });
}

export async function startCloudTasksFake(options: CloudTasksFakeOptions = {}): Promise<CloudTasksFake> {
  const requests: RecordedRequest[] = [];
  const tasks = new Map<string, StoredTask>();
  const reservedNames = new Set<string>();
  const dispatched: DispatchRecord[] = [];
  const failures: InjectedFailure[] = [];
  let current = 0;
  let maxConcurrent = 0;
  let taskCounter = 0;

  const state = { responseDelayMs: 0 };
  const dispatcher = options.dispatch ? makeDispatcher(options.dispatch) : undefined;

  function makeDispatcher(o: CloudTasksDispatchOptions) {
    const minBackoffMs = o.minBackoffMs ?? 50;
    const maxBackoffMs = Math.max(minBackoffMs, o.maxBackoffMs ?? 1000);
    const maxAttempts = o.maxAttempts ?? 10;
    const maxConcurrent = o.maxConcurrent ?? 8;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`cloud-tasks-fake: maxAttempts must be ≥ 1, got ${maxAttempts}`);
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new Error(`cloud-tasks-fake: maxConcurrent must be ≥ 1, got ${maxConcurrent}`);

    const waiting = new Set<PendingTask>();
    const ready: PendingTask[] = [];
    const inFlight = new Set<Promise<void>>();
    const idleWaiters: Array<() => void> = [];
    let closed = false;
    let maxSeen = 0;

    const isIdle = (): boolean => waiting.size === 0 && ready.length === 0 && inFlight.size === 0;
    const checkIdle = (): void => {
      if (isIdle()) for (const w of idleWaiters.splice(0)) w();
    };

    /** Still the live task of that name? (Removed or replaced in `tasks` = cancelled.) */
    const live = (p: PendingTask): boolean => tasks.get(p.fullName) === p.stored;

    const finish = (p: PendingTask): void => {
      if (live(p)) tasks.delete(p.fullName);
      reservedNames.add(p.fullName);
    };

    const wait = (p: PendingTask, delayMs: number): void => {
      if (closed) return;
      const timer = setTimeout(() => {
        waiting.delete(p);
        ready.push(p);
        pump();
      }, Math.min(MAX_TIMER_MS, Math.max(0, delayMs)));
      timer.unref();
      p.timer = timer;
      waiting.add(p);
    };

    const attempt = async (p: PendingTask): Promise<void> => {
      const hr = (p.stored.httpRequest ?? {}) as {
        url?: unknown;
        httpMethod?: unknown;
        headers?: unknown;
        body?: unknown;
        oidcToken?: { serviceAccountEmail?: unknown; audience?: unknown };
      };
      const url = typeof hr.url === 'string' ? hr.url : '';
      const method = httpMethodOf(hr.httpMethod);
      const headers: Record<string, string> = {};
      if (hr.headers && typeof hr.headers === 'object') {
        for (const [k, v] of Object.entries(hr.headers as Record<string, unknown>)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
      }
      const retryCount = p.attempts;
      p.attempts++;
      headers['user-agent'] = 'Google-Cloud-Tasks';
      headers['x-cloudtasks-taskname'] = p.shortName;
      headers['x-cloudtasks-queuename'] = p.queueName;
      headers['x-cloudtasks-taskretrycount'] = String(retryCount);
      headers['x-cloudtasks-taskexecutioncount'] = String(p.responses);
      headers['x-cloudtasks-tasketa'] = (p.etaMs / 1000).toFixed(6);
      if (hr.oidcToken && typeof hr.oidcToken === 'object' && typeof hr.oidcToken.serviceAccountEmail === 'string') {
        const audience = typeof hr.oidcToken.audience === 'string' && hr.oidcToken.audience !== '' ? hr.oidcToken.audience : url;
        const token = mintIdToken(o.key, { audience, email: hr.oidcToken.serviceAccountEmail, ...(o.issuer !== undefined ? { issuer: o.issuer } : {}) });
        headers.authorization = `Bearer ${token}`;
      }
      const body = typeof hr.body === 'string' && hr.body !== '' && !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method) ? Buffer.from(hr.body, 'base64') : undefined;
      if (body) headers['content-length'] = String(body.length);
      const deadlineMs = durationMs(p.stored.dispatchDeadline) ?? 600_000;

      const r = await push(url, method, headers, body, deadlineMs);
      dispatched.push({ name: p.shortName, status: r.status, attempt: p.attempts, ...(r.error !== undefined ? { error: r.error } : {}) });
      if (r.status >= 200 && r.status < 300) {
        finish(p);
        return;
      }
      if (r.status !== 0) p.responses++;
      if (p.attempts >= maxAttempts) {
        finish(p); // dropped
        return;
      }
      if (closed || !live(p)) return;
      const hinted = retryAfterMs(r.retryAfter);
      const delay = hinted !== undefined ? Math.min(maxBackoffMs, hinted) : Math.min(maxBackoffMs, minBackoffMs * 2 ** (p.attempts - 1));
      wait(p, delay);
    };

    function pump(): void {
      while (!closed && inFlight.size < maxConcurrent && ready.length > 0) {
        const p = ready.shift()!;
        if (!live(p)) continue;
        const run: Promise<void> = attempt(p)
          .catch(() => undefined)
          .finally(() => {
            inFlight.delete(run);
            pump();
          });
        inFlight.add(run);
        maxSeen = Math.max(maxSeen, inFlight.size);
      }
      checkIdle();
    }

    return {
      add(fullName: string, queuePath: string, stored: StoredTask): void {
        if (closed) return;
        const eta = timestampMs(stored.scheduleTime) ?? Date.now();
        const p: PendingTask = {
          fullName,
          shortName: fullName.slice(fullName.lastIndexOf('/tasks/') + '/tasks/'.length),
          queueName: queuePath.slice(queuePath.lastIndexOf('/') + 1),
          stored,
          etaMs: eta,
          attempts: 0,
          responses: 0,
        };
        wait(p, eta - Date.now());
      },
      get maxSeen() {
        return maxSeen;
      },
      idle(): Promise<void> {
        if (isIdle()) return Promise.resolve();
        return new Promise<void>((resolve) => idleWaiters.push(resolve));
      },
      async close(): Promise<void> {
        closed = true;
        for (const p of waiting) clearTimeout(p.timer);
        waiting.clear();
        ready.length = 0;
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        checkIdle();
      },
    };
  }

  const server = http.createServer((req, res) => {
    current++;
    maxConcurrent = Math.max(maxConcurrent, current);
    let finished = false;
    const done = (): void => {
      if (!finished) {
        finished = true;
        current--;
      }
    };
    res.on('close', done);
    res.on('finish', done);

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const query = q < 0 ? '' : url.slice(q + 1);
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', path, query, headers: req.headers, body });

      const respond = (): void => {
        const m = CREATE_PATH.exec(path);
        if (req.method !== 'POST' || !m) {
          sendError(res, 404, 'NOT_FOUND', `no such method: ${req.method} ${path}`);
          return;
        }
        const failure = failures.shift();
        if (failure === 503) {
          sendError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.');
          return;
        }
        if (failure === 'deadline') {
          sendError(res, 504, 'DEADLINE_EXCEEDED', 'Deadline exceeded.');
          return;
        }
        const task = (body as { task?: StoredTask } | undefined)?.task;
        if (!task || typeof task !== 'object') {
          sendError(res, 400, 'INVALID_ARGUMENT', 'task is required');
          return;
        }
        const queueName = m[1] ?? '';
        const name = typeof task.name === 'string' && task.name !== '' ? task.name : `${queueName}/tasks/auto-${++taskCounter}`;
        if (!name.startsWith(`${queueName}/tasks/`)) {
          sendError(res, 400, 'INVALID_ARGUMENT', 'task name is not in this queue');
          return;
        }
        if (tasks.has(name) || reservedNames.has(name)) {
          sendError(res, 409, 'ALREADY_EXISTS', 'Requested entity already exists');
          return;
        }
        const stored: StoredTask = { ...task, name };
        tasks.set(name, stored);
        if (dispatcher) dispatcher.add(name, queueName, stored);
        const now = new Date().toISOString();
        sendJson(res, 200, {
          name,
          httpRequest: task.httpRequest,
          scheduleTime: task.scheduleTime ?? now,
          createTime: now,
          dispatchDeadline: task.dispatchDeadline ?? '600s',
          dispatchCount: 0,
          responseCount: 0,
          view: 1,
        });
      };
      if (state.responseDelayMs > 0) setTimeout(respond, state.responseDelayMs);
      else respond();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    port,
    requests,
    tasks,
    get maxConcurrent() {
      return maxConcurrent;
    },
    get responseDelayMs() {
      return state.responseDelayMs;
    },
    set responseDelayMs(v: number) {
      state.responseDelayMs = v;
    },
    injectFailure(kind, times = 1) {
      for (let i = 0; i < times; i++) failures.push(kind);
    },
    dispatched,
    reservedNames,
    get maxConcurrentDispatches() {
      return dispatcher?.maxSeen ?? 0;
    },
    idle() {
      return dispatcher ? dispatcher.idle() : Promise.resolve();
    },
    close() {
      closing ??= (async () => {
        if (dispatcher) await dispatcher.close();
        await new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((err) => (err ? reject(err) : resolve()));
        });
      })();
      return closing;
    },
  };
}
