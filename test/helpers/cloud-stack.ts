// One cloud-mode Rowshot, for the end-to-end test (test/backend/cloud) and bench/cloud.ts: the real
// composition root and HTTP handlers, with the official Google clients talking to the local
// wire-protocol fakes. Each Cloud Tasks queue gets its own fake (real Cloud Tasks limits
// dispatches per queue, so flush tasks waiting for a Sheets token must not take row slots), and
// the rows queue's fake can be left without dispatch ("paused") to time fan-out alone.
import crypto from 'node:crypto';
import { createServer } from 'node:net';
import { CloudTasksClient, type protos } from '@google-cloud/tasks';
import { Storage } from '@google-cloud/storage';
import { GoogleGenAI } from '@google/genai';
import { auth, sheets as sheetsClient } from '@googleapis/sheets';
import sharp from 'sharp';
import { oidcTaskAuth } from '../../backend/src/adapters/google/oidc-task-auth';
import { loadConfig } from '../../backend/src/config';
import { createRowshot, type Rowshot } from '../../backend/src/compose';
import { createApiKey } from '../../backend/src/core/tenants/tenants';
import type { BatchStatus } from '../../shared/index';
import { startCloudTasksFake, type CloudTasksFake } from './fakes/cloud-tasks-fake';
import { GcsFake } from './fakes/gcs-fake';
import { imageReply, startGeminiFake, type GeminiFake } from './fakes/gemini-fake';
import { makeOidcKey, type OidcKey } from './fakes/oidc';
import { SheetsFake } from './fakes/sheets-fake';

type TasksAuthClient = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>['authClient'];
type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

export const TASKS_SA = 'rowshot-tasks@acme-prod.iam.gserviceaccount.com';
export const ROWS_QUEUE = 'rowshot-rows';
export const CONTROL_QUEUE = 'rowshot-control';

export interface StackOptions {
  /** Gemini fake answers after this many ms. */
  latencyMs: number;
  /** maxConcurrent of the rows queue's fake; null: the rows queue is not dispatched at all (paused). */
  rowsConcurrency: number | null;
  /** maxConcurrent of the control queue's fake (fan-out, flush, watchdog tasks). */
  controlConcurrency: number;
  flushIntervalMs: number;
  logLevel: string;
}

export interface Stack {
  url: string;
  rowshot: Rowshot;
  gcs: GcsFake;
  /** Signs the OIDC tokens the Cloud Tasks fakes push with (a test can mint bad ones). */
  oidcKey: OidcKey;
  gemini: GeminiFake;
  sheets: SheetsFake;
  rowsTasks: CloudTasksFake;
  controlTasks: CloudTasksFake;
  /** performance.now() of every successful CreateTask on the rows queue, in order of completion. */
  rowCreatesAt: number[];
  /** CreateTask calls in flight on the rows queue right now / at most so far (as seen by the client). */
  rowCreatesMaxInFlight(): number;
  api(path: string, init?: RequestInit): Promise<Response>;
  status(id: string): Promise<BatchStatus>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function oauth() {
  const o = new auth.OAuth2();
  o.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return o;
}

function tasksClient(fake: CloudTasksFake): CloudTasksClient {
  return new CloudTasksClient({ fallback: true, apiEndpoint: '127.0.0.1', port: fake.port, protocol: 'http', authClient: oauth() as unknown as TasksAuthClient });
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const oidcKey = makeOidcKey();
  const gcs = await GcsFake.start();
  const backoff = { minBackoffMs: 50, maxBackoffMs: 500 };
  const rowsTasks = await startCloudTasksFake(o.rowsConcurrency === null ? {} : { dispatch: { key: oidcKey, maxConcurrent: o.rowsConcurrency, ...backoff } });
  const controlTasks = await startCloudTasksFake({ dispatch: { key: oidcKey, maxConcurrent: o.controlConcurrency, ...backoff } });
  const gemini = await startGeminiFake();
  // The size Gemini answers for 1:1 (a 96 px image could not carry a legible headline overlay).
  const png = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3366cc' } }).png().toBuffer();
  gemini.setDefault({ ...imageReply(png, { imageTokens: 1120 }), ...(o.latencyMs > 0 ? { delayMs: o.latencyMs } : {}) });
  const sheets = await new SheetsFake().start();

  // One official client per fake; CreateTask is routed by the queue in the request's parent.
  const rowsClient = tasksClient(rowsTasks);
  const controlClient = tasksClient(controlTasks);
  const rowCreatesAt: number[] = [];
  let rowInFlight = 0;
  let rowMaxInFlight = 0;
  const router = {
    createTask: (async (request: CreateTaskRequest) => {
      if (!String(request.parent ?? '').endsWith(`/queues/${ROWS_QUEUE}`)) return controlClient.createTask(request);
      rowInFlight++;
      rowMaxInFlight = Math.max(rowMaxInFlight, rowInFlight);
      try {
        const r = await rowsClient.createTask(request);
        rowCreatesAt.push(performance.now());
        return r;
      } finally {
        rowInFlight--;
      }
    }) as unknown as CloudTasksClient['createTask'],
  };

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const loaded = loadConfig({
    ROWSHOT_MODE: 'cloud', PORT: String(port), ROWSHOT_PUBLIC_URL: url, ROWSHOT_SIGNING_SECRET: 'x'.repeat(40),
    GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_TASKS_LOCATION: 'us-central1', ROWSHOT_TASKS_SERVICE_ACCOUNT: TASKS_SA,
    ROWSHOT_ROWS_QUEUE: ROWS_QUEUE, ROWSHOT_CONTROL_QUEUE: CONTROL_QUEUE,
    ROWSHOT_BUCKET: 'acme-rowshot', GEMINI_API_KEY: 'AIza-stack-test-key', ROWSHOT_FLUSH_INTERVAL_MS: String(o.flushIntervalMs),
    ROWSHOT_LOG_LEVEL: o.logLevel, ROWSHOT_DAILY_BUDGET_USD: 'none', ROWSHOT_RATE_LIMIT_PER_MIN: '1000000',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rowshot = await createRowshot(loaded.config, {
    google: {
      storage: new Storage({
        apiEndpoint: gcs.url, projectId: 'acme-prod', timeout: 30_000,
        credentials: { client_email: 'rowshot@acme-prod.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      }),
      tasks: router,
      genai: new GoogleGenAI({ apiKey: 'AIza-stack-test-key', httpOptions: { baseUrl: gemini.url } }),
      sheets: sheetsClient({ version: 'v4', auth: oauth(), rootUrl: sheets.url }),
      taskAuth: oidcTaskAuth({ audience: url, serviceAccountEmail: TASKS_SA, certs: oidcKey.certs }),
    },
  });
  await rowshot.listen();
  const key = (await createApiKey(rowshot.deps.store, 'acme', rowshot.deps.clock)).key;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

  return {
    url, rowshot, gcs, oidcKey, gemini, sheets, rowsTasks, controlTasks, rowCreatesAt, api,
    rowCreatesMaxInFlight: () => rowMaxInFlight,
    async status(id) {
      const res = await api(`/v1/batches/${id}`);
      if (res.status !== 200) throw new Error(`GET /v1/batches/${id}: ${res.status} ${await res.text()}`);
      return (await res.json()) as BatchStatus;
    },
    async close() {
      // Stop the pushes first (a push waiting on the Gemini fake ends when it closes its sockets).
      await gemini.close();
      await Promise.all([rowsTasks.close(), controlTasks.close()]);
      await rowshot.close();
      await Promise.all([gcs.close(), sheets.close()]);
      await Promise.all([rowsClient.close(), controlClient.close()]);
    },
  };
}

/** A sheet of `rowIds.length` rows with Prompt and Row ID columns. */
export function addSheet(sheets: SheetsFake, spreadsheetId: string, rowIds: string[]): void {
  sheets.addSpreadsheet(spreadsheetId, [{ title: 'Campaign', rows: [['Prompt', 'Row ID'], ...rowIds.map((id, i) => [`Product ${i}`, id])] }]);
}

export function rowIdsFor(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r_${prefix}${String(i).padStart(6, '0')}`);
}

export function batchBody(spreadsheetId: string, rowIds: string[]): string {
  return JSON.stringify({
    name: `bench ${spreadsheetId}`,
    rows: rowIds.map((rowId, i) => ({ rowId, cells: { Prompt: `Product shot ${i}` } })),
    target: { kind: 'google-sheet', spreadsheetId, sheetName: 'Campaign' },
  });
}
