// The add-on's HttpPort is synchronous (UrlFetchApp); the backend is async. To test one against
// the other in-process, the backend runs in a worker thread (startServerThread) and requests
// go through a second worker that does the fetch while the test's thread blocks (createSyncHttp,
// on the harness's sync-fetch bridge). The test's thread never serves anything, so blocking it
// cannot deadlock.
import { MessageChannel, Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSignal, syncFetcher } from '../../addon/dev/harness/sync-fetch';
import type { HttpPort, HttpRequest, HttpResponse } from '../../addon/server/services/ports';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface SyncHttp extends HttpPort {
  requests: HttpRequest[];
  close(): Promise<void>;
}

const syncFetchModule = pathToFileURL(path.join(here, '../../addon/dev/harness/sync-fetch.ts')).href;

/**
 * A blocking HttpPort over real HTTP, on the playground harness's bridge (sync-fetch.ts) turned
 * the other way round: a worker serves the requests and this thread blocks (network failures
 * throw, as UrlFetchApp does).
 */
export function createSyncHttp(): SyncHttp {
  const signal = createSignal();
  const { port1, port2 } = new MessageChannel();
  const code = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then(async ({ register }) => {
  register();
  const { serveSyncFetch } = await import(workerData.module);
  serveSyncFetch(workerData.port, new Int32Array(workerData.signal));
});
`;
  const worker = new Worker(code, { eval: true, workerData: { module: syncFetchModule, port: port2, signal: signal.buffer }, transferList: [port2] });
  worker.unref();
  const blockingFetch = syncFetcher(port1, signal);
  const requests: HttpRequest[] = [];
  return {
    requests,
    fetch(req: HttpRequest): HttpResponse {
      requests.push(req);
      const headers = { ...(req.headers ?? {}), ...(req.contentType ? { 'content-type': req.contentType } : {}) };
      return blockingFetch({ url: req.url, method: req.method, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
    },
    async close() {
      port1.close();
      await worker.terminate();
    },
  };
}

/** Blocks the thread (the add-on's code is synchronous; Utilities.sleep is too). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface ServerThread {
  url: string;
  key: string;
  close(): Promise<void>;
}

/**
 * startTestServer() (test/helpers/server.ts) in a worker thread, through tsx, with the same
 * env and defaults. Only its URL and dev key cross over.
 */
export async function startServerThread(env: Record<string, string> = {}): Promise<ServerThread> {
  const serverModule = pathToFileURL(path.join(here, 'server.ts')).href;
  const code = `
const { parentPort, workerData } = require('node:worker_threads');
import('tsx/esm/api').then(async ({ register }) => {
  register();
  const { startTestServer } = await import(workerData.serverModule);
  const server = await startTestServer(workerData.env);
  parentPort.on('message', async (m) => {
    if (m !== 'close') return;
    await server.close();
    parentPort.postMessage({ closed: true });
  });
  parentPort.postMessage({ url: server.url, key: server.key });
}).catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
`;
  const worker = new Worker(code, { eval: true, workerData: { serverModule, env } });
  const first = await new Promise<{ url?: string; key?: string; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (first.error !== undefined || first.url === undefined || first.key === undefined) {
    await worker.terminate();
    throw new Error(`the test server did not start: ${first.error ?? 'no URL'}`);
  }
  return {
    url: first.url,
    key: first.key,
    async close() {
      const closed = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('close');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
      await worker.terminate();
    },
  };
}
