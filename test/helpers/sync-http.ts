// The add-on's HttpPort is synchronous (UrlFetchApp); the backend is async. To test one against
// the other in-process, the backend runs in a worker thread (startServerThread) and requests
// go through a second worker that does the fetch while the test's thread blocks on
// Atomics.wait, then takes the answer with receiveMessageOnPort (createSyncHttp). The test's
// thread never serves anything, so blocking it cannot deadlock.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HttpPort, HttpRequest, HttpResponse } from '../../addon/server/services/ports';

const here = path.dirname(fileURLToPath(import.meta.url));

// Runs in the fetch worker (plain JavaScript: no TypeScript loader needed).
const FETCH_WORKER = `
const { workerData } = require('node:worker_threads');
const { port, signal } = workerData;
const flag = new Int32Array(signal);
port.on('message', async (req) => {
  let answer;
  try {
    const init = { method: req.method.toUpperCase(), headers: { ...(req.headers || {}) }, redirect: 'follow' };
    if (req.contentType) init.headers['content-type'] = req.contentType;
    if (req.payload !== undefined) init.body = typeof req.payload === 'string' ? req.payload : Buffer.from(req.payload.base64, 'base64');
    const res = await fetch(req.url, init);
    const headers = {};
    res.headers.forEach((value, name) => { headers[name.toLowerCase()] = value; });
    answer = { ok: true, response: { status: res.status, headers, body: await res.text() } };
  } catch (e) {
    answer = { ok: false, message: String((e && e.cause && e.cause.message) || (e && e.message) || e) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export interface SyncHttp extends HttpPort {
  requests: HttpRequest[];
  close(): Promise<void>;
}

/** A blocking HttpPort over real HTTP (network failures throw, as UrlFetchApp does). */
export function createSyncHttp(timeoutMs = 30_000): SyncHttp {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(FETCH_WORKER, { eval: true, workerData: { port: port2, signal }, transferList: [port2] });
  worker.unref();
  const requests: HttpRequest[] = [];
  return {
    requests,
    fetch(req: HttpRequest): HttpResponse {
      requests.push(req);
      Atomics.store(flag, 0, 0);
      port1.postMessage(req);
      if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') throw new Error(`Timeout: ${req.method.toUpperCase()} ${req.url} took over ${timeoutMs} ms`);
      const received = receiveMessageOnPort(port1);
      const answer = received?.message as { ok: true; response: HttpResponse } | { ok: false; message: string } | undefined;
      if (!answer) throw new Error('sync-http: the fetch worker answered nothing');
      if (!answer.ok) throw new Error(`Exception: ${answer.message} (${req.url})`);
      return answer.response;
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
