// A local stand-in for generateContent on both Gemini backends, for tests with the real
// @google/genai client (`httpOptions: { baseUrl: fake.url }`): the Gemini API
// (`/v1beta/models/M:generateContent`, key in x-goog-api-key) and Vertex AI
// (`/v1beta1/projects/P/locations/L/publishers/google/models/M:generateContent`, OAuth bearer
// token). Other paths get 404 and missing credentials 401/403, as from Google. Replies are
// scripted in order; when the script runs out the default reply is used. Every request is recorded.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Which backend the path belongs to (undefined: neither, answered 404). */
  api?: 'gemini' | 'vertex';
  model?: string;
  /** Vertex AI only. */
  project?: string;
  location?: string;
}

export interface ScriptedReply {
  status?: number;
  /** JSON body (serialised) or raw text. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (to test timeouts and aborts). */
  delayMs?: number;
  /** Destroy the socket without answering (a network error). */
  hangUp?: boolean;
}

export interface GeminiFake {
  url: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests. */
  script(...replies: ScriptedReply[]): void;
  setDefault(reply: ScriptedReply): void;
  close(): Promise<void>;
}

/** A successful reply carrying one image. */
export function imageReply(png: Buffer, opts: { imageTokens?: number; mimeType?: string; text?: string } = {}): ScriptedReply {
  const parts: unknown[] = [];
  if (opts.text) parts.push({ text: opts.text });
  parts.push({ inlineData: { mimeType: opts.mimeType ?? 'image/png', data: png.toString('base64') } });
  return {
    body: {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 20,
        candidatesTokenCount: opts.imageTokens ?? 0,
        totalTokenCount: 20 + (opts.imageTokens ?? 0),
        ...(opts.imageTokens === undefined ? {} : { candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: opts.imageTokens }] }),
      },
      modelVersion: 'fake',
    },
  };
}

/** A Google API error reply ({ error: { code, message, status, details } }). */
export function errorReply(status: number, grpcStatus: string, message: string, extra: { details?: unknown[]; headers?: Record<string, string> } = {}): ScriptedReply {
  return {
    status,
    body: { error: { code: status, message, status: grpcStatus, ...(extra.details ? { details: extra.details } : {}) } },
    ...(extra.headers ? { headers: extra.headers } : {}),
  };
}

const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):generateContent$/;
const VERTEX_PATH = /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):generateContent$/;

/** The backend, model (and Vertex project/location) a path addresses. */
function route(path: string): Pick<RecordedRequest, 'api' | 'model' | 'project' | 'location'> {
  const pathname = path.split('?')[0] ?? '';
  const g = GEMINI_PATH.exec(pathname);
  if (g) return { api: 'gemini', model: decodeURIComponent(g[1] ?? '') };
  const v = VERTEX_PATH.exec(pathname);
  if (v) return { api: 'vertex', project: decodeURIComponent(v[1] ?? ''), location: decodeURIComponent(v[2] ?? ''), model: decodeURIComponent(v[3] ?? '') };
  return {};
}

/** What Google answers before looking at the request: an unknown path or missing credentials. */
function gatekeeper(rec: RecordedRequest): ScriptedReply | undefined {
  if (rec.method !== 'POST' || !rec.api) return errorReply(404, 'NOT_FOUND', `The requested URL ${rec.path} was not found on this server.`);
  if (rec.api === 'gemini' && !rec.headers['x-goog-api-key']) {
    return errorReply(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  if (rec.api === 'vertex' && !/^Bearer \S+$/.test(String(rec.headers.authorization ?? ''))) {
    return errorReply(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }
  return undefined;
}

export async function startGeminiFake(): Promise<GeminiFake> {
  const queue: ScriptedReply[] = [];
  let fallback: ScriptedReply = errorReply(500, 'INTERNAL', 'no scripted reply');
  const requests: RecordedRequest[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep raw text
      }
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, ...route(req.url ?? '') };
      requests.push(rec);
      const reply = gatekeeper(rec) ?? queue.shift() ?? fallback;
      const send = (): void => {
        if (reply.hangUp) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        const isText = typeof reply.body === 'string';
        res.writeHead(reply.status ?? 200, {
          'content-type': isText ? 'text/plain' : 'application/json; charset=UTF-8',
          ...reply.headers,
        });
        res.end(isText ? (reply.body as string) : JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) {
        const timer = setTimeout(send, reply.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else {
        send();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
