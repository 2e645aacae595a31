import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../../backend/src/adapters/local/backoff';
import { LocalStore } from '../../../../backend/src/adapters/local/local-store';
import { parseRetryAfterMs } from '../../../../backend/src/adapters/retry-after';
import {
  LocalTaskQueue,
  type LocalTaskQueueConfig,
  type LocalTaskQueueOptions,
  type QueueLogger,
} from '../../../../backend/src/adapters/local/local-task-queue';
import { TASK_HEADERS } from '../../../../backend/src/ports/task-queue';
import { fixture, killChildren, runTs, tempDir } from './fixtures/helpers';

// ---------------------------------------------------------------------------------------------
// A real HTTP task handler on port 0

interface Hit {
  name: string;
  path: string;
  retry: number;
  exec: number;
  /** performance.now() when the request arrived. */
  at: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Set when the client went away before we answered (deadline abort, killed process). */
  abortedByClient: boolean;
}
type Reply = { status: number; headers?: Record<string, string> } | 'hang';

interface TaskServer {
  url: string;
  hits: Hit[];
  /** Most requests open at once. */
  maxActive: () => number;
  /** TCP connections accepted (keep-alive reuse keeps this low). */
  connections: () => number;
  close: () => Promise<void>;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  killChildren();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function taskServer(reply: (hit: Hit, hits: Hit[]) => Reply | Promise<Reply> = () => ({ status: 200 })): Promise<TaskServer> {
  const hits: Hit[] = [];
  let active = 0;
  let maxActive = 0;
  const server = http.createServer((req, res) => {
    active++;
    maxActive = Math.max(maxActive, active);
    let answered = false;
    res.on('close', () => active--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const h = req.headers;
      const hit: Hit = {
        name: String(h[TASK_HEADERS.taskName]),
        path: req.url ?? '',
        retry: Number(h[TASK_HEADERS.retryCount]),
        exec: Number(h[TASK_HEADERS.executionCount]),
        at: performance.now(),
        headers: h,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        abortedByClient: false,
      };
      hits.push(hit);
      res.on('close', () => {
        if (!answered) hit.abortedByClient = true;
      });
      void Promise.resolve(reply(hit, hits)).then((r) => {
        if (r === 'hang') return;
        answered = true;
        res.writeHead(r.status, r.headers ?? {}).end('ok');
      });
    });
  });
  // A loaded machine can leave a socket idle past Node's 5 s default; the connection count
  // must measure the queue's keep-alive, not the test server's idle timer.
  server.keepAliveTimeout = 120_000;
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, maxActive: () => maxActive, connections: () => connections, close };
}

// ---------------------------------------------------------------------------------------------
// Queues under test

const BASE_CONFIG: LocalTaskQueueConfig = {
  maxDispatchesPerSecond: 1000,
  maxConcurrentDispatches: 10,
  minBackoffMs: 20,
  maxBackoffMs: 200,
  maxDoublings: 3,
  maxAttempts: 5,
  dispatchDeadlineMs: 5000,
};

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

function newDir(label = 'queue', base?: string): string {
  const t = tempDir(label, base);
  cleanups.push(t.cleanup);
  return t.dir;
}

function makeQueue(config: Partial<LocalTaskQueueConfig> = {}, extra: Partial<LocalTaskQueueOptions> & { dir?: string } = {}) {
  const dir = extra.dir ?? newDir();
  const logs: LogLine[] = [];
  const logger: QueueLogger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const { dir: _dir, ...rest } = extra;
  const q = new LocalTaskQueue({
    name: 'q-test',
    store: new LocalStore(dir),
    config: { ...BASE_CONFIG, ...config },
    authHeader: () => 'Bearer test-token',
    logger,
    ...rest,
  });
  cleanups.push(() => q.stop());
  return { q, dir, logs };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`timed out after ${ms} ms: ${what}`)))]);
}

// ---------------------------------------------------------------------------------------------

describe('backoff', () => {
  it('follows the Cloud Tasks schedule: doubling maxDoublings times, then linear, capped', () => {
    const cfg = { minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3 };
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => backoffDelayMs(k, cfg) / 1000)).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
    expect([0, 1, 2, 3].map((k) => backoffDelayMs(k, { minBackoffMs: 100, maxBackoffMs: 250, maxDoublings: 16 }))).toEqual([100, 200, 250, 250]);
    expect(backoffDelayMs(5, { minBackoffMs: 100, maxBackoffMs: 10_000, maxDoublings: 0 })).toBe(600);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
  });
});

describe('LocalTaskQueue: push', () => {
  it('POSTs the JSON body to baseUrl + path with the auth header and every Cloud Tasks header', async () => {
    const srv = await taskServer();
    let calls = 0;
    const { q } = makeQueue({}, { authHeader: () => `Bearer token-${++calls}` });
    const scheduleTime = Date.now() - 5000;
    expect(await q.enqueue({ name: 'hdr-1', path: '/tasks/row', body: { row: 7, text: 'é' }, scheduleTime })).toEqual({ created: true });
    await q.enqueue({ name: 'hdr-2', path: '/tasks/other', body: undefined });
    q.start(`${srv.url}/prefix/`);
    await withTimeout(q.onIdle(), 5000, 'idle');

    expect(srv.hits.map((h) => h.name).sort()).toEqual(['hdr-1', 'hdr-2']);
    const hit = srv.hits.find((h) => h.name === 'hdr-1');
    expect(hit?.path).toBe('/prefix/tasks/row');
    expect(hit?.body).toEqual({ row: 7, text: 'é' });
    expect(hit?.headers).toMatchObject({
      'content-type': 'application/json',
      [TASK_HEADERS.taskName]: 'hdr-1',
      [TASK_HEADERS.retryCount]: '0',
      [TASK_HEADERS.executionCount]: '0',
      [TASK_HEADERS.queueName]: 'q-test',
      [TASK_HEADERS.eta]: (scheduleTime / 1000).toFixed(3),
    });
    expect(Number(hit?.headers[TASK_HEADERS.eta]) * 1000).toBeCloseTo(scheduleTime, -1);
    expect(srv.hits.map((h) => h.headers.authorization).sort()).toEqual(['Bearer token-1', 'Bearer token-2']); // called per push
    expect(srv.hits.find((h) => h.name === 'hdr-2')?.body).toBeNull();
    expect(await q.stats()).toEqual({ depth: 0, inFlight: 0 });
  });

  it('rejects bad task names and paths as programming errors', async () => {
    const { q } = makeQueue();
    for (const name of ['', 'has space', 'dot.not', 'slash/no', 'x'.repeat(401), 'é']) {
      await expect(q.enqueue({ name, path: '/t', body: {} })).rejects.toThrow(/invalid task name/);
    }
    await expect(q.enqueue({ name: 'ok', path: 'no-slash', body: {} })).rejects.toThrow(/path/);
    expect(await q.enqueue({ name: 'A_z-0'.padEnd(400, 'x'), path: '/t', body: {} })).toEqual({ created: true });
  });
});

describe('LocalTaskQueue: names', () => {
  it('dedupes by name while pending, in flight, and after completion within nameRetentionMs', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    let release: (() => void) | null = null;
    const srv = await taskServer(async (hit) => {
      if (hit.name === 'slow') await new Promise<void>((r) => (release = r));
      return { status: 200 };
    });
    const { q, dir } = makeQueue({ nameRetentionMs: 60_000 }, { now });

    // pending (not started yet), including concurrent enqueues of one name
    const results = await Promise.all(Array.from({ length: 8 }, () => q.enqueue({ name: 'dup', path: '/t', body: {} })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => !r.created)).toEqual(Array(7).fill({ created: false, reason: 'already_exists' }));
    expect(await q.stats()).toEqual({ depth: 1, inFlight: 0 });

    // in flight
    await q.enqueue({ name: 'slow', path: '/t', body: {} });
    q.start(srv.url);
    while (release === null || (await q.stats()).depth > 1) await sleep(5); // 'dup' done, 'slow' held
    expect(await q.stats()).toEqual({ depth: 1, inFlight: 1 });
    expect(await q.enqueue({ name: 'slow', path: '/t', body: {} })).toEqual({ created: false, reason: 'already_exists' });
    (release as () => void)();
    await withTimeout(q.onIdle(), 5000, 'idle');

    // completed, within retention — also for a new queue instance on the same store
    expect(await q.enqueue({ name: 'dup', path: '/t', body: {} })).toEqual({ created: false, reason: 'already_exists' });
    await q.stop();
    const again = makeQueue({ nameRetentionMs: 60_000 }, { now, dir }).q;
    expect(await again.enqueue({ name: 'slow', path: '/t', body: {} })).toEqual({ created: false, reason: 'already_exists' });

    // after retention the name is free again, and the task runs again
    offset += 61_000;
    expect(await again.enqueue({ name: 'dup', path: '/t', body: { second: true } })).toEqual({ created: true });
    again.start(srv.url);
    await withTimeout(again.onIdle(), 5000, 'idle');
    expect(srv.hits.filter((h) => h.name === 'dup').map((h) => h.body)).toEqual([{}, { second: true }]);
    expect(srv.hits.filter((h) => h.name === 'slow')).toHaveLength(1);
  });
});

describe('LocalTaskQueue: timing', () => {
  it('does not dispatch before scheduleTime', async () => {
    const srv = await taskServer();
    const { q } = makeQueue();
    q.start(srv.url);
    const t0 = performance.now();
    const wall0 = Date.now();
    await q.enqueue({ name: 'later', path: '/t', body: {}, scheduleTime: wall0 + 400 });
    await q.enqueue({ name: 'now', path: '/t', body: {} });
    await withTimeout(q.onIdle(), 5000, 'idle');
    expect(srv.hits.map((h) => h.name)).toEqual(['now', 'later']);
    expect((srv.hits[1]?.at ?? 0) - t0).toBeGreaterThanOrEqual(395);
    expect(srv.hits[1]?.headers[TASK_HEADERS.eta]).toBe(((wall0 + 400) / 1000).toFixed(3));
  });

  it('retries a 500 with exponential backoff, counting retries in the headers', async () => {
    const srv = await taskServer((hit) => ({ status: hit.retry < 2 ? 500 : 200 }));
    const { q, logs } = makeQueue({ minBackoffMs: 150, maxBackoffMs: 2000, maxDoublings: 4 });
    q.start(srv.url);
    await q.enqueue({ name: 'flaky', path: '/t', body: { n: 1 } });
    await withTimeout(q.onIdle(), 8000, 'idle');
    expect(srv.hits.map((h) => [h.retry, h.exec])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const [a, b, c] = srv.hits.map((h) => h.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(145); // minBackoff
    expect(c - b).toBeGreaterThanOrEqual(295); // doubled
    // The planned delays, not wall-clock gaps (a loaded machine only ever adds to those).
    expect(logs.filter((l) => l.level === 'warn').map((l) => (l.obj as { retryInMs?: number }).retryInMs)).toEqual([150, 300]);
  });

  it('honours Retry-After on 429 and 503', async () => {
    const srv = await taskServer((hit) =>
      hit.retry === 0 ? { status: hit.name === 'busy' ? 503 : 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { q } = makeQueue({ minBackoffMs: 10 });
    q.start(srv.url);
    await q.enqueue({ name: 'busy', path: '/t', body: {} });
    await q.enqueue({ name: 'limited', path: '/t', body: {} });
    await withTimeout(q.onIdle(), 8000, 'idle');
    for (const name of ['busy', 'limited']) {
      const [first, second] = srv.hits.filter((h) => h.name === name);
      expect(second?.retry).toBe(1);
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(995);
    }
  });

  it('aborts a push with no response within dispatchDeadlineMs and retries it', async () => {
    const srv = await taskServer((hit) => (hit.retry === 0 ? 'hang' : { status: 204 }));
    const { q } = makeQueue({ dispatchDeadlineMs: 300, minBackoffMs: 10 });
    q.start(srv.url);
    await q.enqueue({ name: 'stuck', path: '/t', body: {} });
    await withTimeout(q.onIdle(), 8000, 'idle');
    expect(srv.hits.map((h) => h.retry)).toEqual([0, 1]);
    expect(srv.hits[0]?.abortedByClient).toBe(true);
    expect((srv.hits[1]?.at ?? 0) - (srv.hits[0]?.at ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('drops a task after maxAttempts attempts, logs it, and keeps its name reserved', async () => {
    const srv = await taskServer(() => ({ status: 500 }));
    const { q, logs } = makeQueue({ maxAttempts: 3, minBackoffMs: 10 });
    q.start(srv.url);
    await q.enqueue({ name: 'doomed', path: '/t', body: {} });
    await withTimeout(q.onIdle(), 5000, 'idle');
    await sleep(150); // would be ample time for a 4th attempt
    expect(srv.hits.map((h) => h.retry)).toEqual([0, 1, 2]);
    expect(await q.stats()).toEqual({ depth: 0, inFlight: 0 });
    const err = logs.find((l) => l.level === 'error');
    expect(err?.obj).toMatchObject({ task: 'doomed', attempts: 3, status: 500 });
    expect(await q.enqueue({ name: 'doomed', path: '/t', body: {} })).toEqual({ created: false, reason: 'already_exists' });
  });

  it('limits the dispatch rate to maxDispatchesPerSecond', async () => {
    const srv = await taskServer();
    // Each dispatch starts with the write that leases its task (attempts 0 → 1), right after the
    // rate limiter lets it go: timed there, the figure is the queue's own, not the arrival time
    // at a server whose event loop a loaded CI machine may stall and bunch.
    const dispatchedAt: number[] = [];
    const leased = new Set<string>();
    class LeaseTimes extends LocalStore {
      override put(key: string, data: Buffer | string, options?: Parameters<LocalStore['put']>[2]) {
        if (key.startsWith('tasks/') && !leased.has(key) && typeof data === 'string' && (JSON.parse(data) as { attempts?: number }).attempts === 1) {
          leased.add(key);
          dispatchedAt.push(performance.now());
        }
        return super.put(key, data, options);
      }
    }
    const { q } = makeQueue({ maxDispatchesPerSecond: 20, maxConcurrentDispatches: 50 }, { store: new LeaseTimes(newDir()) });
    for (let i = 0; i < 30; i++) await q.enqueue({ name: `r${i}`, path: '/t', body: {} });
    q.start(srv.url);
    await withTimeout(q.onIdle(), 8000, 'idle');
    expect(srv.hits).toHaveLength(30);
    const at = [...dispatchedAt].sort((x, y) => x - y);
    expect(at).toHaveLength(30);
    const span = (at[29] as number) - (at[0] as number);
    expect(span).toBeGreaterThanOrEqual((29 / 20) * 1000 - 60); // 29 intervals of 50 ms
    let worstWindow = 0;
    for (let i = 0; i < at.length; i++) worstWindow = Math.max(worstWindow, at.filter((t) => t >= (at[i] as number) && t < (at[i] as number) + 1000).length);
    expect(worstWindow).toBeLessThanOrEqual(21);
  });

  it('keeps exactly maxConcurrentDispatches pushes in flight', async () => {
    const srv = await taskServer(async () => {
      await sleep(120);
      return { status: 200 };
    });
    const { q } = makeQueue({ maxConcurrentDispatches: 3 });
    for (let i = 0; i < 12; i++) await q.enqueue({ name: `c${i}`, path: '/t', body: {} });
    q.start(srv.url);
    const t0 = performance.now();
    await withTimeout(q.onIdle(), 8000, 'idle');
    expect(srv.hits).toHaveLength(12);
    expect(srv.maxActive()).toBe(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(4 * 120 - 10);
  });
});

describe('LocalTaskQueue: durability', () => {
  it('resumes after kill -9: in-flight tasks are dispatched again, nothing is lost', async () => {
    let phase = 1;
    const holding: Hit[] = [];
    const srv = await taskServer((hit) => {
      if (phase === 2) return { status: 200 };
      if (hit.name === 't0' || hit.name === 't1') return { status: 200 }; // finish a couple before the crash
      holding.push(hit);
      return 'hang';
    });
    const dir = newDir('kill9');
    const n = 12;
    const child = runTs(fixture('queue-worker.ts'), ['dispatch', dir, srv.url, String(n)]);
    await child.waitForLine((l) => l === 'enqueued');
    // wait until the child has 3 pushes hanging (its concurrency limit), then kill it
    for (let i = 0; i < 2000 && holding.filter((h) => !h.abortedByClient).length < 3; i++) await sleep(5);
    expect(holding.length).toBeGreaterThanOrEqual(3);
    const inFlightAtKill = holding.map((h) => h.name);
    child.proc.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    phase = 2;

    const { q, logs } = makeQueue({ maxConcurrentDispatches: 3, minBackoffMs: 50, maxBackoffMs: 200, maxDoublings: 2, maxAttempts: 10 }, { dir });
    q.start(srv.url);
    await withTimeout(q.onIdle(), 10_000, 'idle after restart');

    const ok = new Set(srv.hits.filter((h) => !h.abortedByClient && (phase === 2 || ['t0', 't1'].includes(h.name))).map((h) => h.name));
    expect([...ok].sort()).toEqual(Array.from({ length: n }, (_, i) => `t${i}`).sort());
    for (const name of inFlightAtKill) {
      const retried = srv.hits.filter((h) => h.name === name && !h.abortedByClient);
      expect(retried.length, name).toBeGreaterThanOrEqual(1);
      expect(retried[0]?.retry, name).toBeGreaterThanOrEqual(1); // the interrupted attempt counted
    }
    // tasks that completed before the crash are not run again
    expect(srv.hits.filter((h) => h.name === 't0')).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('an enqueue that resolved survives kill -9', async () => {
    const dir = newDir('kill9e');
    const child = runTs(fixture('queue-worker.ts'), ['enqueue', dir, '400']);
    await child.waitForLine((l) => l === 'created e40');
    child.proc.kill('SIGKILL');
    await child.exited;
    const created = child.lines.filter((l) => l.startsWith('created ')).map((l) => l.slice('created '.length));
    expect(created.length).toBeGreaterThanOrEqual(41);

    const { q } = makeQueue({}, { dir });
    const depth = (await q.stats()).depth;
    expect(depth).toBeGreaterThanOrEqual(created.length); // the one in progress may have landed too
    expect(depth).toBeLessThanOrEqual(created.length + 1);
    for (const name of created) expect(await q.enqueue({ name, path: '/later', body: {} })).toEqual({ created: false, reason: 'already_exists' });
  });

  it('stop() waits for in-flight pushes and leaves nothing keeping the process alive', async () => {
    const srv = await taskServer(async () => {
      await sleep(200);
      return { status: 200 };
    });
    const dir = newDir('stop');
    const child = runTs(fixture('queue-worker.ts'), ['stop', dir, srv.url]);
    const exit = await withTimeout(child.exited, 15_000, 'child exit after stop()');
    expect(exit, exit.stderr).toMatchObject({ code: 0 });
    expect(child.lines).toEqual(['stopped']);
    // the in-flight push completed before stop() returned
    expect(srv.hits.map((h) => [h.name, h.abortedByClient])).toEqual([['now', false]]);
    const { q } = makeQueue({}, { dir });
    expect(await q.stats()).toEqual({ depth: 1, inFlight: 0 }); // 'far' is still waiting
  });
});

describe('LocalTaskQueue: volume', () => {
  it('handles thousands of tasks: enqueue, rebuild of the index from the store, dispatch', async () => {
    const srv = await taskServer();
    // tmpfs when available, to keep the suite fast on this VM; ext4 figures are in the report.
    const dir = newDir('volume', existsSync('/dev/shm') ? '/dev/shm' : undefined);
    const n = 2000;
    const first = makeQueue({}, { dir }).q;
    let t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          await first.enqueue({ name: `v${i}`, path: '/t', body: { i } });
        }
      }),
    );
    const enqueueMs = performance.now() - t;
    await first.stop();

    const { q } = makeQueue({ maxDispatchesPerSecond: 5000, maxConcurrentDispatches: 16 }, { dir });
    t = performance.now();
    expect(await q.stats()).toEqual({ depth: n, inFlight: 0 });
    const loadMs = performance.now() - t;
    t = performance.now();
    q.start(srv.url);
    await withTimeout(q.onIdle(), 60_000, 'idle');
    const dispatchMs = performance.now() - t;
    expect(new Set(srv.hits.map((h) => h.name)).size).toBe(n);
    expect(srv.hits).toHaveLength(n); // once each
    expect(srv.connections()).toBeLessThanOrEqual(16); // keep-alive: one connection per concurrent slot
    expect(loadMs).toBeLessThan(5000);
    console.info(
      `LocalTaskQueue: ${n} tasks — enqueue ${((n / enqueueMs) * 1000).toFixed(0)}/s, index rebuild ${loadMs.toFixed(0)} ms, ` +
        `dispatch ${((n / dispatchMs) * 1000).toFixed(0)}/s, ${srv.connections()} connections`,
    );
  });
});
