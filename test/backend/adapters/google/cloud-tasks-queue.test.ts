// CloudTasksQueue against the real @google-cloud/tasks client (REST fallback transport) talking to an
// in-memory fake of the CreateTask endpoint.
import { CloudTasksClient } from '@google-cloud/tasks';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudTasksQueue, MAX_TASK_BODY_BYTES, type CloudTasksQueueOptions } from '../../../../backend/src/adapters/google/cloud-tasks-queue';
import { startCloudTasksFake, type CloudTasksFake } from '../../../helpers/fakes/cloud-tasks-fake';

type TasksAuthClient = NonNullable<NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>['authClient']>;

const QUEUE_PATH = 'projects/proj-1/locations/europe-west1/queues/rows';

/** An auth client whose fetch is gaxios (throws GaxiosError on non-2xx: errors carry HTTP codes). */
function gaxiosAuth(): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test-access-token', expiry_date: Date.now() + 3_600_000 });
  return auth;
}

/**
 * An auth client whose fetch is plain fetch (gax decodes the error: errors carry gRPC codes). In
 * fallback mode gax sends every request through `authClient.fetch` and never calls
 * getRequestHeaders itself, so this fetch must add the Authorization header.
 */
function plainFetchAuth(): { getRequestHeaders(): Promise<Headers>; fetch: typeof fetch } {
  const authorization = 'Bearer test-access-token';
  return {
    getRequestHeaders: async () => new Headers({ authorization }),
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    },
  };
}

interface CreateBody {
  task: {
    name: string;
    httpRequest: { url: string; httpMethod: unknown; headers: Record<string, string>; body: string; oidcToken: { serviceAccountEmail: string; audience: string } };
    scheduleTime?: string;
    dispatchDeadline?: string;
  };
}

describe.each([
  ['gaxios auth client (HTTP status codes)', gaxiosAuth],
  ['plain-fetch auth client (gRPC codes)', plainFetchAuth],
] as const)('CloudTasksQueue with a %s', (_label, makeAuth) => {
  let fake: CloudTasksFake;
  let client: CloudTasksClient;

  beforeAll(async () => {
    fake = await startCloudTasksFake();
    client = new CloudTasksClient({
      fallback: true,
      apiEndpoint: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      // google-gax bundles its own google-auth-library (10.5), so even our OAuth2Client (10.9) is a
      // different type to it; at run time it takes any object with fetch + getRequestHeaders.
      authClient: makeAuth() as unknown as TasksAuthClient,
    });
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.tasks.clear();
    fake.responseDelayMs = 0;
  });

  function makeQueue(over: Partial<CloudTasksQueueOptions> = {}): CloudTasksQueue {
    return new CloudTasksQueue({
      client,
      project: 'proj-1',
      location: 'europe-west1',
      queue: 'rows',
      targetBaseUrl: 'https://rowshot.example.run.app/',
      oidc: { serviceAccountEmail: 'tasks@proj-1.iam.gserviceaccount.com', audience: 'https://rowshot.example.run.app' },
      retryBaseDelayMs: 5,
      ...over,
    });
  }

  it('sends the exact CreateTask request: path, name, url, base64 JSON body, headers, oidcToken, scheduleTime, dispatchDeadline', async () => {
    const q = makeQueue({ dispatchDeadlineSeconds: 120 });
    const body = { batchId: 'b_1', rowId: 'r_ABCDEFGHJK', note: 'héllo ✓' };
    const r = await q.enqueue({ name: 'row-b_1-r_ABCDEFGHJK', path: '/tasks/row', body, scheduleTime: 1_700_000_000_005 });
    expect(r).toEqual({ created: true });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/v2/${QUEUE_PATH}/tasks`);
    // The client URL-encodes the `;` of `$alt=json;enum-encoding=int`.
    expect(decodeURIComponent(req.query)).toBe('$alt=json;enum-encoding=int');
    expect(req.headers.authorization).toBe('Bearer test-access-token');
    expect(req.headers['x-goog-request-params']).toBe(`parent=${encodeURIComponent(QUEUE_PATH)}`);

    const sent = (req.body as CreateBody).task;
    expect(sent.name).toBe(`${QUEUE_PATH}/tasks/row-b_1-r_ABCDEFGHJK`);
    expect(sent.httpRequest.url).toBe('https://rowshot.example.run.app/tasks/row');
    expect(sent.httpRequest.httpMethod).toBe(1); // HttpMethod.POST with enum-encoding=int
    expect(sent.httpRequest.headers).toEqual({ 'content-type': 'application/json' });
    expect(sent.httpRequest.oidcToken).toEqual({ serviceAccountEmail: 'tasks@proj-1.iam.gserviceaccount.com', audience: 'https://rowshot.example.run.app' });
    expect(sent.httpRequest.body).toBe(Buffer.from(JSON.stringify(body), 'utf8').toString('base64'));
    expect(JSON.parse(Buffer.from(sent.httpRequest.body, 'base64').toString('utf8'))).toEqual(body);
    expect(sent.scheduleTime).toBe('2023-11-14T22:13:20.005Z');
    expect(sent.dispatchDeadline).toBe('120s');
    expect(Object.keys(req.body as object)).toEqual(['task']);
  });

  it('omits scheduleTime and dispatchDeadline when not given', async () => {
    const q = makeQueue();
    await q.enqueue({ name: 'fanout-1', path: '/tasks/fanout', body: { a: 1 } });
    const sent = (fake.requests[0]!.body as CreateBody).task;
    expect(sent).not.toHaveProperty('scheduleTime');
    expect(sent).not.toHaveProperty('dispatchDeadline');
  });

  it('answers already_exists for a duplicate name', async () => {
    const q = makeQueue();
    expect(await q.enqueue({ name: 'dup', path: '/tasks/row', body: 1 })).toEqual({ created: true });
    expect(await q.enqueue({ name: 'dup', path: '/tasks/row', body: 2 })).toEqual({ created: false, reason: 'already_exists' });
    expect(fake.requests).toHaveLength(2);
    expect(fake.tasks.size).toBe(1);
  });

  it('retries a 503 once and then succeeds', async () => {
    const q = makeQueue();
    fake.injectFailure(503);
    expect(await q.enqueue({ name: 'flaky', path: '/tasks/row', body: {} })).toEqual({ created: true });
    expect(fake.requests).toHaveLength(2);
    expect(fake.tasks.has(`${QUEUE_PATH}/tasks/flaky`)).toBe(true);
  });

  it('retries DEADLINE_EXCEEDED, and a retry that finds the task already there counts as created', async () => {
    const q = makeQueue();
    // Simulate an attempt that got through but whose answer was lost: the task exists already.
    fake.tasks.set(`${QUEUE_PATH}/tasks/lost-answer`, { name: `${QUEUE_PATH}/tasks/lost-answer` });
    fake.injectFailure('deadline');
    expect(await q.enqueue({ name: 'lost-answer', path: '/tasks/row', body: {} })).toEqual({ created: true });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up after maxCreateAttempts transient failures with a clear error', async () => {
    const q = makeQueue({ maxCreateAttempts: 3 });
    fake.injectFailure(503, 3);
    await expect(q.enqueue({ name: 'down', path: '/tasks/row', body: {} })).rejects.toThrow(/creating task down failed after 3 attempt\(s\): .*UNAVAILABLE|http 503|grpc 14/);
    expect(fake.requests).toHaveLength(3);
  });

  it('bounds concurrent CreateTask calls (50 enqueues, maxConcurrentCreates 4)', async () => {
    const q = makeQueue({ maxConcurrentCreates: 4 });
    const before = fake.maxConcurrent;
    fake.responseDelayMs = 15;
    let maxInFlight = 0;
    const results = Promise.all(Array.from({ length: 50 }, (_, i) => q.enqueue({ name: `c-${i}`, path: '/tasks/row', body: { i } })));
    const poll = setInterval(() => {
      void q.stats().then((s) => {
        maxInFlight = Math.max(maxInFlight, s.inFlight);
      });
    }, 2);
    const rs = await results;
    clearInterval(poll);
    expect(rs.every((r) => r.created)).toBe(true);
    expect(fake.tasks.size).toBe(50);
    // The fake is fresh per describe block and earlier tests ran one request at a time.
    expect(before).toBeLessThanOrEqual(1);
    expect(fake.maxConcurrent).toBe(4);
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(await q.stats()).toEqual({ depth: -1, inFlight: 0 });
  });
});

describe('CloudTasksQueue input checks (no network)', () => {
  const client = { createTask: () => Promise.reject(new Error('must not be called')) } as unknown as CloudTasksQueueOptions['client'];
  const base: CloudTasksQueueOptions = {
    client,
    project: 'p',
    location: 'l',
    queue: 'q',
    targetBaseUrl: 'https://svc.example',
    oidc: { serviceAccountEmail: 'sa@p.iam.gserviceaccount.com', audience: 'https://svc.example' },
  };

  it('refuses a body over 90 KB before calling Cloud Tasks', async () => {
    const q = new CloudTasksQueue(base);
    const big = { data: 'x'.repeat(MAX_TASK_BODY_BYTES) };
    await expect(q.enqueue({ name: 'big', path: '/tasks/row', body: big })).rejects.toThrow(/over the 92160-byte limit/);
    // Just under the limit builds fine.
    const ok = { data: 'x'.repeat(MAX_TASK_BODY_BYTES - 20) };
    expect(q.buildRequest({ name: 'ok', path: '/tasks/row', body: ok }).task?.httpRequest?.body).toBeInstanceOf(Buffer);
  });

  it('refuses bad task names, paths and options', async () => {
    const q = new CloudTasksQueue(base);
    await expect(q.enqueue({ name: 'a/b', path: '/tasks/row', body: 1 })).rejects.toThrow(/invalid task name/);
    await expect(q.enqueue({ name: 'ok', path: 'tasks/row', body: 1 })).rejects.toThrow(/must start with '\/'/);
    expect(() => new CloudTasksQueue({ ...base, dispatchDeadlineSeconds: 5 })).toThrow(/15 to 1800/);
    expect(() => new CloudTasksQueue({ ...base, maxConcurrentCreates: 0 })).toThrow(/positive integer/);
    expect(() => new CloudTasksQueue({ ...base, queue: 'a/b' })).toThrow(/invalid queue/);
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const failing = {
      createTask: () => {
        calls++;
        return Promise.reject(Object.assign(new Error('denied'), { code: 7 }));
      },
    } as unknown as CloudTasksQueueOptions['client'];
    const q = new CloudTasksQueue({ ...base, client: failing, retryBaseDelayMs: 1 });
    await expect(q.enqueue({ name: 'x', path: '/tasks/row', body: 1 })).rejects.toThrow(/grpc 7/);
    expect(calls).toBe(1);
  });

  it('reports depth -1 (unknown) and no creates in flight when idle', async () => {
    expect(await new CloudTasksQueue(base).stats()).toEqual({ depth: -1, inFlight: 0 });
  });
});
