// An in-memory HTTP server for the subset of the Cloud Tasks v2 REST API (the `fallback: true`
// transport of @google-cloud/tasks) that CloudTasksQueue uses: CreateTask.
//
//   POST /v2/projects/P/locations/L/queues/Q/tasks?$alt=json;enum-encoding=int
//   body { task: { name, httpRequest: {...}, scheduleTime?, dispatchDeadline? } }
//
// It records every request, answers 409 ALREADY_EXISTS for a name it already holds, counts the
// largest number of requests in flight at once, and can inject transient failures.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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

export async function startCloudTasksFake(): Promise<CloudTasksFake> {
  const requests: RecordedRequest[] = [];
  const tasks = new Map<string, StoredTask>();
  const failures: InjectedFailure[] = [];
  let current = 0;
  let maxConcurrent = 0;
  let taskCounter = 0;

  const state = { responseDelayMs: 0 };

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
        if (tasks.has(name)) {
          sendError(res, 409, 'ALREADY_EXISTS', 'Requested entity already exists');
          return;
        }
        const stored: StoredTask = { ...task, name };
        tasks.set(name, stored);
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
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
