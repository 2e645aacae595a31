// The Cloud Tasks fake in dispatch mode: the real CloudTasksQueue adapter + real @google-cloud/tasks
// client create tasks on the fake, which pushes them to a local handler that checks the OIDC token
// with oidcTaskAuth (as Cloud Run's /tasks/* routes do).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTasksClient } from '@google-cloud/tasks';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudTasksQueue } from '../../../../backend/src/adapters/google/cloud-tasks-queue';
import { oidcTaskAuth } from '../../../../backend/src/adapters/google/oidc-task-auth';
import { TASK_HEADERS } from '../../../../backend/src/ports/task-queue';
import { startCloudTasksFake, type CloudTasksDispatchOptions, type CloudTasksFake } from '../../../helpers/fakes/cloud-tasks-fake';
import { makeOidcKey, type OidcKey } from '../../../helpers/fakes/oidc';

type TasksAuthClient = NonNullable<NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>['authClient']>;

const SA = 'tasks@proj-1.iam.gserviceaccount.com';

interface Push {
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  auth: Awaited<ReturnType<ReturnType<typeof oidcTaskAuth>['verify']>>;
}

type Answer = { status: number; headers?: Record<string, string>; delayMs?: number };

let key: OidcKey;
let handler: http.Server;
let baseUrl: string;
let pushes: Push[];
let inHandler = 0;
let maxInHandler = 0;
/** How the handler answers a push: by task name and 0-based retry count. */
let answer: (taskName: string, retryCount: number) => Answer;

beforeAll(async () => {
  key = makeOidcKey('google-key-1');
  handler = http.createServer((req, res) => {
    inHandler++;
    maxInHandler = Math.max(maxInHandler, inHandler);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const at = Date.now();
        const verifier = oidcTaskAuth({ audience: baseUrl, serviceAccountEmail: SA, certs: key.certs });
        const auth = await verifier.verify(req.headers.authorization);
        pushes.push({ at, method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), auth });
        const a: Answer = auth.ok
          ? answer(String(req.headers[TASK_HEADERS.taskName]), Number(req.headers[TASK_HEADERS.retryCount]))
          : { status: auth.status };
        if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
        inHandler--;
        res.writeHead(a.status, a.headers);
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => handler.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => handler.close(() => resolve()));
});

let open: Array<{ fake: CloudTasksFake; client: CloudTasksClient }> = [];

beforeEach(() => {
  pushes = [];
  maxInHandler = 0;
  answer = () => ({ status: 200 });
});
afterEach(async () => {
  for (const { fake, client } of open.splice(0)) {
    await client.close();
    await fake.close();
  }
});

async function setup(over: Partial<CloudTasksDispatchOptions> = {}): Promise<{ fake: CloudTasksFake; queue: CloudTasksQueue }> {
  const fake = await startCloudTasksFake({ dispatch: { key, minBackoffMs: 10, maxBackoffMs: 200, ...over } });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test-access-token', expiry_date: Date.now() + 3_600_000 });
  const client = new CloudTasksClient({ fallback: true, apiEndpoint: '127.0.0.1', port: fake.port, protocol: 'http', authClient: auth as unknown as TasksAuthClient });
  open.push({ fake, client });
  const queue = new CloudTasksQueue({
    client,
    project: 'proj-1',
    location: 'europe-west1',
    queue: 'rows',
    targetBaseUrl: baseUrl,
    oidc: { serviceAccountEmail: SA, audience: baseUrl },
    retryBaseDelayMs: 5,
  });
  return { fake, queue };
}

describe('Cloud Tasks fake in dispatch mode', () => {
  it('pushes a created task with its body, a valid OIDC token and the Cloud Tasks headers', async () => {
    const { fake, queue } = await setup();
    const body = { batchId: 'b_1', rowId: 'r_1', note: 'héllo ✓' };
    expect(await queue.enqueue({ name: 'row-b_1-r_1', path: '/tasks/row', body })).toEqual({ created: true });
    await fake.idle();

    expect(pushes).toHaveLength(1);
    const p = pushes[0]!;
    expect(p.auth).toEqual({ ok: true });
    expect(p.method).toBe('POST');
    expect(p.path).toBe('/tasks/row');
    expect(JSON.parse(p.body)).toEqual(body);
    expect(p.headers['content-type']).toBe('application/json');
    expect(p.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(p.headers[TASK_HEADERS.taskName]).toBe('row-b_1-r_1');
    expect(p.headers[TASK_HEADERS.queueName]).toBe('rows');
    expect(p.headers[TASK_HEADERS.retryCount]).toBe('0');
    expect(p.headers[TASK_HEADERS.executionCount]).toBe('0');
    expect(Number(p.headers[TASK_HEADERS.eta])).toBeGreaterThan(0);

    expect(fake.dispatched).toEqual([{ name: 'row-b_1-r_1', status: 200, attempt: 1 }]);
    const full = 'projects/proj-1/locations/europe-west1/queues/rows/tasks/row-b_1-r_1';
    expect(fake.tasks.has(full)).toBe(false);
    expect(fake.reservedNames.has(full)).toBe(true);
  });

  it('retries a 503 twice and then completes: retry counts 0, 1, 2 with a valid token each time', async () => {
    const { fake, queue } = await setup();
    answer = (_name, retry) => ({ status: retry < 2 ? 503 : 200 });
    await queue.enqueue({ name: 'flaky', path: '/tasks/row', body: { x: 1 } });
    await fake.idle();

    expect(pushes.map((p) => p.headers[TASK_HEADERS.retryCount])).toEqual(['0', '1', '2']);
    expect(pushes.map((p) => p.headers[TASK_HEADERS.executionCount])).toEqual(['0', '1', '2']);
    expect(pushes.every((p) => p.auth.ok)).toBe(true);
    expect(pushes.every((p) => JSON.parse(p.body).x === 1)).toBe(true);
    expect(fake.dispatched).toEqual([
      { name: 'flaky', status: 503, attempt: 1 },
      { name: 'flaky', status: 503, attempt: 2 },
      { name: 'flaky', status: 200, attempt: 3 },
    ]);
    // Exponential backoff from minBackoffMs 10: ≥ 10 ms, then ≥ 20 ms.
    expect(pushes[1]!.at - pushes[0]!.at).toBeGreaterThanOrEqual(8);
    expect(pushes[2]!.at - pushes[1]!.at).toBeGreaterThanOrEqual(18);
  });

  it('respects scheduleTime', async () => {
    const { fake, queue } = await setup();
    const scheduleTime = Date.now() + 400;
    await queue.enqueue({ name: 'later', path: '/tasks/row', body: {} });
    await queue.enqueue({ name: 'scheduled', path: '/tasks/row', body: {}, scheduleTime });
    await new Promise((r) => setTimeout(r, 100));
    expect(pushes.map((p) => p.headers[TASK_HEADERS.taskName])).toEqual(['later']);
    await fake.idle();
    const p = pushes.find((x) => x.headers[TASK_HEADERS.taskName] === 'scheduled')!;
    expect(p.at).toBeGreaterThanOrEqual(scheduleTime - 2);
    expect(p.at).toBeLessThan(scheduleTime + 1000);
    expect(Number(p.headers[TASK_HEADERS.eta]) * 1000).toBeCloseTo(scheduleTime, -1);
  });

  it('honours Retry-After, capped at maxBackoffMs', async () => {
    const { fake, queue } = await setup({ minBackoffMs: 5, maxBackoffMs: 400 });
    answer = (_name, retry) => (retry === 0 ? { status: 503, headers: { 'retry-after': '3600' } } : { status: 200 });
    await queue.enqueue({ name: 'busy', path: '/tasks/row', body: {} });
    await fake.idle();
    expect(pushes).toHaveLength(2);
    const gap = pushes[1]!.at - pushes[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(380); // not the 5 ms backoff
    expect(gap).toBeLessThan(2000); // not an hour
  });

  it('keeps a completed name reserved: re-creating it is ALREADY_EXISTS and nothing is pushed again', async () => {
    const { fake, queue } = await setup();
    expect(await queue.enqueue({ name: 'once', path: '/tasks/row', body: 1 })).toEqual({ created: true });
    await fake.idle();
    expect(fake.tasks.size).toBe(0);
    expect(await queue.enqueue({ name: 'once', path: '/tasks/row', body: 2 })).toEqual({ created: false, reason: 'already_exists' });
    await fake.idle();
    expect(pushes).toHaveLength(1);
  });

  it('drops a task after maxAttempts and bounds pushes in flight by maxConcurrent', async () => {
    const { fake, queue } = await setup({ maxAttempts: 3, maxConcurrent: 2 });
    answer = (name) => (name === 'doomed' ? { status: 500 } : { status: 200, delayMs: 40 });
    await Promise.all([
      queue.enqueue({ name: 'doomed', path: '/tasks/row', body: {} }),
      ...Array.from({ length: 6 }, (_, i) => queue.enqueue({ name: `c-${i}`, path: '/tasks/row', body: { i } })),
    ]);
    await fake.idle();
    expect(fake.dispatched.filter((d) => d.name === 'doomed').map((d) => [d.status, d.attempt])).toEqual([
      [500, 1],
      [500, 2],
      [500, 3],
    ]);
    expect(fake.dispatched.filter((d) => d.name.startsWith('c-') && d.status === 200)).toHaveLength(6);
    expect(fake.tasks.size).toBe(0);
    expect(maxInHandler).toBeLessThanOrEqual(2);
    expect(fake.maxConcurrentDispatches).toBe(2);
  });

  it('retries a network error (status 0)', async () => {
    const { fake } = await setup({ maxAttempts: 2 });
    // A task created directly on the fake, pointing at a closed port.
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/tasks/row`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const res = await fetch(`http://127.0.0.1:${fake.port}/v2/projects/p/locations/l/queues/q/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: { name: 'projects/p/locations/l/queues/q/tasks/net', httpRequest: { url: deadUrl, httpMethod: 1, body: '' } } }),
    });
    expect(res.status).toBe(200);
    await fake.idle();
    expect(fake.dispatched.map((d) => [d.name, d.status, d.attempt])).toEqual([
      ['net', 0, 1],
      ['net', 0, 2],
    ]);
    expect(fake.dispatched[0]!.error).toBeTruthy();
  });

  it('close() stops dispatching a scheduled task and lets idle() resolve', async () => {
    const { fake, queue } = await setup();
    await queue.enqueue({ name: 'far', path: '/tasks/row', body: {}, scheduleTime: Date.now() + 60_000 });
    const idle = fake.idle();
    const t0 = Date.now();
    await fake.close();
    await idle;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(pushes).toHaveLength(0);
  });
});
