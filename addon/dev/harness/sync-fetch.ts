// UrlFetchApp is synchronous, the network in Node is not. The worker that runs the add-on
// posts each request to the main thread and blocks on Atomics.wait; the main thread makes the
// real HTTP request, posts the answer back, and wakes the worker, which takes the answer off
// its port with receiveMessageOnPort (no event loop turn needed).
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export interface SyncFetchRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Text, or bytes as base64. */
  payload?: string | { base64: string };
  followRedirects?: boolean;
}

export interface SyncFetchResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

type Reply = { ok: true; response: SyncFetchResponse } | { ok: false; message: string };

/** Apps Script gives up on a fetch after about 60 s. */
export const FETCH_TIMEOUT_MS = 60_000;

export class SyncFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncFetchError';
  }
}

/** The shared signal: one Int32 the main thread sets to 1 when an answer is waiting. */
export function createSignal(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Worker side: a blocking fetch. A network failure throws SyncFetchError, as UrlFetchApp throws. */
export function syncFetcher(port: MessagePort, signal: Int32Array): (req: SyncFetchRequest) => SyncFetchResponse {
  return (req) => {
    Atomics.store(signal, 0, 0);
    port.postMessage(req);
    const waited = Atomics.wait(signal, 0, 0, FETCH_TIMEOUT_MS + 5_000);
    const message = receiveMessageOnPort(port);
    if (waited === 'timed-out' || !message) throw new SyncFetchError(`Timeout: ${req.url}`);
    const reply = message.message as Reply;
    if (!reply.ok) throw new SyncFetchError(reply.message);
    return reply.response;
  };
}

async function perform(req: SyncFetchRequest): Promise<Reply> {
  let body: string | Buffer | undefined;
  if (typeof req.payload === 'string') body = req.payload;
  else if (req.payload) body = Buffer.from(req.payload.base64, 'base64');
  try {
    const res = await fetch(req.url, {
      method: req.method.toUpperCase(),
      headers: req.headers,
      ...(body !== undefined && req.method.toLowerCase() !== 'get' ? { body } : {}),
      redirect: req.followRedirects === false ? 'manual' : 'follow',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => { headers[name.toLowerCase()] = value; });
    return { ok: true, response: { status: res.status, headers, body: await res.text() } };
  } catch (err) {
    // Apps Script's wording for an unreachable host, so the add-on's error mapping sees what it would see there.
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const why = err instanceof Error && err.name === 'TimeoutError' ? 'Timeout' : 'Address unavailable';
    return { ok: false, message: `${why}: ${req.url}${cause ? ` (${cause})` : ''}` };
  }
}

/** Main side: serves the worker's requests with real HTTP until the port closes. */
export function serveSyncFetch(port: MessagePort, signal: Int32Array): void {
  port.on('message', (req: SyncFetchRequest) => {
    void perform(req).then((reply) => {
      port.postMessage(reply);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
  });
}
