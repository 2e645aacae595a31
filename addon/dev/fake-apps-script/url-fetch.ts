// UrlFetchApp.fetch over a synchronous handler (Apps Script's fetch blocks). An HTTP error is a
// response when muteHttpExceptions is set, else it throws; a FakeNetworkError from the handler
// becomes Apps Script's "Address unavailable".
import { exception, type Realm } from './realm';

export interface FetchRequest {
  url: string;
  /** Lower case, as Apps Script sends it: get, post, put, patch, delete. */
  method: string;
  headers: Record<string, string>;
  contentType: string | undefined;
  /** Text, or bytes (a byte array as Utilities.base64Decode makes it, -128…127). */
  payload: string | number[] | undefined;
}

export interface FetchResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type FetchHandler = (req: FetchRequest) => FetchResponse;

/** Throw it from a handler to act out a network failure (DNS, refused connection, timeout). */
export class FakeNetworkError extends Error {
  override readonly name = 'FakeNetworkError';
}

export interface FetchParams {
  method?: string;
  headers?: Record<string, string>;
  contentType?: string;
  payload?: unknown;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
}

export class FakeHttpResponse {
  constructor(
    private readonly status: number,
    private readonly headers: Record<string, string>,
    private readonly body: string,
  ) {}

  getResponseCode(): number {
    return this.status;
  }

  getAllHeaders(): Record<string, string> {
    return { ...this.headers };
  }

  getContentText(): string {
    return this.body;
  }
}

export interface UrlFetchControl {
  handler: FetchHandler;
  /** Every request the bundle made, in order (redirects included). */
  readonly requests: FetchRequest[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createUrlFetchApp(realm: Realm, control: UrlFetchControl) {
  const send = (req: FetchRequest): FakeHttpResponse => {
    control.requests.push(req);
    let res: FetchResponse;
    try {
      res = control.handler(req);
    } catch (err) {
      if (err instanceof FakeNetworkError) throw exception(realm, `Address unavailable: ${req.url}`);
      throw err;
    }
    if (res === null || typeof res !== 'object' || typeof (res as { then?: unknown }).then === 'function') {
      throw new Error(`fake UrlFetchApp: the handler must return { status, headers, body } synchronously (for ${req.method} ${req.url})`);
    }
    return new FakeHttpResponse(res.status, res.headers ?? {}, res.body ?? '');
  };

  return {
    fetch(url: string, params: FetchParams = {}): FakeHttpResponse {
      if (typeof url !== 'string' || !/^https?:\/\/[^/]/i.test(url)) throw exception(realm, `Invalid argument: ${String(url)}`);
      let req: FetchRequest = {
        url,
        method: (params.method ?? 'get').toLowerCase(),
        headers: { ...(params.headers ?? {}) },
        ...encodePayload(params),
      };
      let res = send(req);
      for (let hops = 0; params.followRedirects !== false && REDIRECTS.has(res.getResponseCode()) && hops < 10; hops++) {
        const location = headerValue(res.getAllHeaders(), 'location');
        if (location === undefined) break;
        const keepsMethod = res.getResponseCode() === 307 || res.getResponseCode() === 308;
        req = keepsMethod ? { ...req, url: new URL(location, req.url).href } : { url: new URL(location, req.url).href, method: 'get', headers: req.headers, contentType: undefined, payload: undefined };
        res = send(req);
      }
      const status = res.getResponseCode();
      if (status >= 400 && params.muteHttpExceptions !== true) {
        throw exception(realm, `Request failed for ${url} returned code ${status}. Truncated server response: ${res.getContentText().slice(0, 100)} (use muteHttpExceptions option to examine full response)`);
      }
      return res;
    },
  };
}

/** Apps Script sends a string or a byte array as is and form-encodes an object. */
function encodePayload(params: FetchParams): Pick<FetchRequest, 'contentType' | 'payload'> {
  const { payload } = params;
  if (payload === undefined || payload === null) return { contentType: params.contentType, payload: undefined };
  if (typeof payload === 'string') return { contentType: params.contentType ?? 'application/x-www-form-urlencoded', payload };
  if (Array.isArray(payload)) return { contentType: params.contentType ?? 'application/octet-stream', payload: payload.map(Number) };
  const form = Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return { contentType: params.contentType ?? 'application/x-www-form-urlencoded', payload: form };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Bytes of a request payload as a Buffer, for handlers that parse uploads. */
export function payloadBytes(payload: FetchRequest['payload']): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(Int8Array.from(payload).buffer);
}
