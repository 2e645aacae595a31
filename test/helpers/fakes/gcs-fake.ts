// GcsFake: a small in-memory HTTP server speaking the subset of the Cloud Storage JSON API that
// @google-cloud/storage uses for GcsStore, so the real client can be tested offline:
//   GET    /storage/v1/b/B/o/NAME                    object metadata  (generation, ifGenerationMatch)
//   GET    /storage/v1/b/B/o/NAME?alt=media           media download   (x-goog-hash, x-goog-generation)
//   POST   /upload/storage/v1/b/B/o?uploadType=multipart&name=…[&ifGenerationMatch=G]
//   DELETE /storage/v1/b/B/o/NAME[?ifGenerationMatch=G]
//   GET    /storage/v1/b/B/o?prefix=&maxResults=&pageToken=&startOffset=&endOffset=
// Non-versioned bucket semantics: only the live generation of an object can be read; generations
// keep increasing across delete/re-create. Every request is recorded; faults can be injected.
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query, e.g. `/storage/v1/b/bkt/o/a/b`. */
  path: string;
  /** `list`, `metadata`, `download`, `upload`, `delete` or `unknown`. */
  op: FakeOp;
  bucket: string | null;
  /** The object name (decoded) for object operations and uploads. */
  object: string | null;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The status the fake answered. */
  status: number;
}

export type FakeOp = 'list' | 'metadata' | 'download' | 'upload' | 'delete' | 'unknown';

export interface FaultRule {
  op?: FakeOp;
  object?: string;
  status: number;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /**
   * Apply the operation first, then answer the error: a reply lost after the commit (what a 503
   * or a dropped connection after a successful write looks like to a client).
   */
  afterCommit?: boolean;
  /** Perform the operation normally but answer only after this delay (a slow or hung reply). */
  delayMs?: number;
  /** Perform the operation normally but report wrong md5Hash/crc32c (status is ignored). */
  badHash?: boolean;
  /** Called when the fault fires (after the commit with `afterCommit`): e.g. let another writer in. */
  onFault?: () => void;
}

interface StoredObject {
  name: string;
  generation: bigint;
  data: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  updated: string;
  created: string;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) as Cloud Storage reports it: base64 of the big-endian 4 bytes. */
export function crc32cBase64(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

export class GcsFake {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, StoredObject>();
  private readonly faults: Array<FaultRule & { left: number }> = [];
  private nextGeneration = BigInt(Date.now()) * 1000n;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<GcsFake> {
    let fake: GcsFake | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          fake!.handle(req, Buffer.concat(chunks), res);
        } catch (err) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 500, message: String(err) } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    fake = new GcsFake(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` (default 1) matching requests get `status`. */
  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule, left: rule.times ?? 1 });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  requestsFor(op: FakeOp, object?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.op === op && (object === undefined || r.object === object));
  }

  /** Seed or overwrite an object directly (as another writer would); returns its generation. */
  seed(bucket: string, name: string, data: Buffer | string, contentType = 'application/octet-stream'): string {
    return this.write(bucket, name, Buffer.from(data), contentType, {}).generation.toString();
  }

  /** The live generation of an object, or null. */
  /** Names of the live objects in a bucket (all buckets when none is given). */
  objectNames(bucket?: string): string[] {
    return [...this.objects.keys()].filter((k) => bucket === undefined || k.startsWith(`${bucket}/`)).map((k) => k.slice(k.indexOf('/') + 1));
  }

  generationOf(bucket: string, name: string): string | null {
    return this.objects.get(`${bucket}/${name}`)?.generation.toString() ?? null;
  }

  private write(
    bucket: string,
    name: string,
    data: Buffer,
    contentType: string,
    metadata: Record<string, string>,
  ): StoredObject {
    const key = `${bucket}/${name}`;
    const now = new Date().toISOString();
    const obj: StoredObject = {
      name,
      generation: ++this.nextGeneration,
      data,
      contentType,
      metadata,
      updated: now,
      created: now,
    };
    this.objects.set(key, obj);
    return obj;
  }

  private resource(bucket: string, o: StoredObject): Record<string, unknown> {
    return {
      kind: 'storage#object',
      id: `${bucket}/${o.name}/${o.generation}`,
      name: o.name,
      bucket,
      generation: o.generation.toString(),
      metageneration: '1',
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: md5Base64(o.data),
      crc32c: crc32cBase64(o.data),
      storageClass: 'STANDARD',
      timeCreated: o.created,
      updated: o.updated,
      ...(Object.keys(o.metadata).length > 0 ? { metadata: o.metadata } : {}),
    };
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const raw = url.pathname;
    let op: FakeOp = 'unknown';
    let bucket: string | null = null;
    let object: string | null = null;
    const objMatch = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(raw);
    const listMatch = /^\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(raw);
    const uploadMatch = /^\/upload\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(raw);
    const method = req.method ?? 'GET';
    if (objMatch && method === 'GET') {
      op = query.alt === 'media' ? 'download' : 'metadata';
    } else if (objMatch && method === 'DELETE') {
      op = 'delete';
    } else if (listMatch && method === 'GET') {
      op = 'list';
    } else if (uploadMatch && method === 'POST' && query.uploadType === 'multipart') {
      op = 'upload';
    }
    if (objMatch) {
      bucket = decodeURIComponent(objMatch[1] as string);
      object = decodeURIComponent(objMatch[2] as string);
    } else if (listMatch) {
      bucket = decodeURIComponent(listMatch[1] as string);
    } else if (uploadMatch) {
      bucket = decodeURIComponent(uploadMatch[1] as string);
      object = query.name ?? null;
    }
    const record: RecordedRequest = {
      method,
      path: decodeURIComponent(raw),
      op,
      bucket,
      object,
      query,
      headers: req.headers,
      status: 0,
    };
    this.requests.push(record);

    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (payload === undefined) {
        res.writeHead(status, headers);
        res.end();
      } else if (Buffer.isBuffer(payload)) {
        res.writeHead(status, { 'content-length': String(payload.length), ...headers });
        res.end(payload);
      } else {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
        res.end(text);
      }
    };
    const fail = (status: number, message: string): void => {
      const reason =
        status === 412 ? 'conditionNotMet' : status === 404 ? 'notFound' : status === 429 ? 'rateLimitExceeded' : 'backendError';
      send(status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
    };

    // Fault injection.
    const fault = this.faults.find(
      (f) => f.left > 0 && (f.op === undefined || f.op === op) && (f.object === undefined || f.object === object),
    );
    if (fault) {
      fault.left--;
      if (fault.delayMs !== undefined) {
        const delayed = (status: number, payload?: unknown, headers?: Record<string, string>) => {
          const timer = setTimeout(() => {
            if (!res.destroyed) send(status, payload, headers);
          }, fault.delayMs);
          res.on('close', () => clearTimeout(timer));
        };
        this.apply(op, bucket, object, query, req, body, delayed, (status, message) =>
          setTimeout(() => !res.destroyed && fail(status, message), fault.delayMs),
        );
        fault.onFault?.();
        return;
      }
      if (fault.badHash) {
        const corrupt = Buffer.from('corrupt');
        this.apply(op, bucket, object, query, req, body, (status, payload, headers) => {
          const p = payload as Record<string, unknown> | undefined;
          if (p && typeof p === 'object' && !Buffer.isBuffer(p) && 'md5Hash' in p) {
            send(status, { ...p, md5Hash: md5Base64(corrupt), crc32c: crc32cBase64(corrupt) }, headers);
          } else {
            send(status, payload, headers);
          }
        }, fail);
        fault.onFault?.();
        return;
      }
      if (!fault.afterCommit) {
        fault.onFault?.();
        fail(fault.status, `injected ${fault.status}`);
        return;
      }
      // Apply the operation, swallow its answer, reply with the error.
      this.apply(op, bucket, object, query, req, body, () => undefined, () => undefined);
      fault.onFault?.();
      fail(fault.status, `injected ${fault.status} after commit`);
      return;
    }
    this.apply(op, bucket, object, query, req, body, send, fail);
  }

  private apply(
    op: FakeOp,
    bucket: string | null,
    object: string | null,
    query: Record<string, string>,
    req: http.IncomingMessage,
    body: Buffer,
    send: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
    fail: (status: number, message: string) => void,
  ): void {
    if (op === 'unknown' || bucket === null) {
      fail(501, `not implemented by GcsFake: ${req.method} ${req.url}`);
      return;
    }
    const current = object === null ? undefined : this.objects.get(`${bucket}/${object}`);
    const preconditionFails = (): boolean => {
      const m = query.ifGenerationMatch;
      if (m === undefined) return false;
      if (m === '0') return current !== undefined;
      return current === undefined || current.generation.toString() !== m;
    };
    switch (op) {
      case 'metadata':
      case 'download': {
        if (!current || (query.generation !== undefined && query.generation !== current.generation.toString())) {
          fail(404, 'No such object');
          return;
        }
        if (preconditionFails()) {
          fail(412, 'At least one of the pre-conditions you specified did not hold.');
          return;
        }
        if (op === 'metadata') {
          send(200, this.resource(bucket, current));
        } else {
          send(200, current.data, {
            'content-type': current.contentType,
            'x-goog-generation': current.generation.toString(),
            'x-goog-metageneration': '1',
            'x-goog-stored-content-encoding': 'identity',
            'x-goog-stored-content-length': String(current.data.length),
            'x-goog-hash': `crc32c=${crc32cBase64(current.data)},md5=${md5Base64(current.data)}`,
          });
        }
        return;
      }
      case 'delete': {
        if (!current) {
          fail(404, 'No such object');
          return;
        }
        if (preconditionFails()) {
          fail(412, 'At least one of the pre-conditions you specified did not hold.');
          return;
        }
        this.objects.delete(`${bucket}/${object}`);
        send(204);
        return;
      }
      case 'upload': {
        const parsed = parseMultipartRelated(String(req.headers['content-type'] ?? ''), body);
        if (!parsed || object === null) {
          fail(400, 'bad multipart upload');
          return;
        }
        if (preconditionFails()) {
          fail(412, 'At least one of the pre-conditions you specified did not hold.');
          return;
        }
        const meta = parsed.metadata as { contentType?: string; metadata?: Record<string, string> };
        const obj = this.write(
          bucket,
          object,
          parsed.media,
          meta.contentType ?? parsed.mediaContentType ?? 'application/octet-stream',
          meta.metadata ?? {},
        );
        send(200, this.resource(bucket, obj));
        return;
      }
      case 'list': {
        const prefix = query.prefix ?? '';
        const startOffset = query.startOffset ?? '';
        const endOffset = query.endOffset;
        const after = query.pageToken ? Buffer.from(query.pageToken, 'base64url').toString('utf8') : null;
        const max = Math.min(Number(query.maxResults ?? '1000') || 1000, 1000);
        const names = [...this.objects.keys()]
          .filter((k) => k.startsWith(`${bucket}/`))
          .map((k) => k.slice(bucket.length + 1))
          .filter((n) => n.startsWith(prefix) && n >= startOffset && (endOffset === undefined || n < endOffset))
          .filter((n) => after === null || n > after)
          .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        const page = names.slice(0, max);
        const more = names.length > max;
        send(200, {
          kind: 'storage#objects',
          items: page.map((n) => this.resource(bucket, this.objects.get(`${bucket}/${n}`) as StoredObject)),
          ...(more ? { nextPageToken: Buffer.from(page[page.length - 1] as string).toString('base64url') } : {}),
        });
        return;
      }
    }
  }
}

function parseMultipartRelated(
  contentType: string,
  body: Buffer,
): { metadata: unknown; media: Buffer; mediaContentType: string | null } | null {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return null;
  const delimiter = Buffer.from(`--${m[1]}`);
  const parts: Buffer[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    parts.push(body.subarray(start, next));
    pos = next;
  }
  const decoded = parts.map((p) => {
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF.
    const sep = p.indexOf('\r\n\r\n');
    const headerText = p.subarray(0, sep).toString('utf8');
    let content = p.subarray(sep + 4);
    if (content.subarray(content.length - 2).toString() === '\r\n') content = content.subarray(0, content.length - 2);
    const ct = /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1] ?? null;
    return { ct, content };
  });
  const [metaPart, mediaPart] = decoded;
  if (!metaPart || !mediaPart) return null;
  return { metadata: JSON.parse(metaPart.content.toString('utf8')), media: mediaPart.content, mediaContentType: mediaPart.ct };
}
