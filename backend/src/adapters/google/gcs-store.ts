// GcsStore: the BlobStore port on Cloud Storage (@google-cloud/storage 7.x), one bucket.
//
// What goes on the wire (JSON API; `apiEndpoint` defaults to https://storage.googleapis.com):
//   put    POST   /upload/storage/v1/b/B/o?uploadType=multipart&name=KEY[&ifGenerationMatch=G|0]
//                 multipart/related: JSON metadata {contentType, metadata:{rowshotWriteId}} + bytes.
//                 The reply's md5Hash and crc32c are checked against the bytes sent here (not by
//                 the library: on a mismatch it deletes the object without a precondition).
//   stat   GET    /storage/v1/b/B/o/KEY                                  (404 → null)
//   get    GET    /storage/v1/b/B/o/KEY, then GET …/o/KEY?alt=media&generation=G: the bytes of exactly
//                 the generation whose metadata was read (validated with x-goog-hash); if that
//                 generation was replaced in between (404), read again.
//   delete DELETE /storage/v1/b/B/o/KEY[?ifGenerationMatch=G]           (404/412 → false)
//   list   GET    /storage/v1/b/B/o?prefix=P&maxResults=N&pageToken=T&startOffset=S (autoPaginate off)
//   signedReadUrl  no request: a V4 URL signed by the Storage instance's credentials (offline with a
//                 service-account key; the IAM signBlob API with metadata-server credentials).
//
// Retries. The library (7.22, default IdempotencyStrategy.RetryConditional) retries GETs and, for
// writes, only those carrying a precondition: `file.save` with `ifGenerationMatch` re-sends the whole
// upload after 408/429/5xx or a dropped connection (3 retries). That is unsafe for compare-and-swap:
// if the first attempt committed and only its reply was lost, the retry meets its own write and gets
// 412, and save() reports "precondition failed" for a write that succeeded. Conditional deletes have
// the same flaw (the retry gets 404). The library also switches retries off and on by mutating the
// shared `storage.retryOptions.autoRetry` around each call (and a non-retried save() never switches
// it back on), so concurrent calls change each other's retry behaviour.
// So writes here never go through the library's retries: uploads use `createWriteStream` (one
// request, maxRetries 0 in the library) and deletes use `file.request({ maxRetries: 0 })`, and this
// adapter retries itself, resolving ambiguity first: after a failed attempt whose outcome is unknown,
// it reads the object. Every upload carries a random `rowshotWriteId` custom metadata value, so
//   - the object carries our write id            → our write committed: success, with its generation;
//   - the precondition still holds               → nothing committed: send again;
//   - otherwise (someone else changed the object) → throw GcsOutcomeUnknownError (never a wrong answer;
//     the task layer retries the task, which re-reads state).
// Reads (stat, get, list) keep the library's own retries: they are idempotent.
//
// Timeouts. The only client timeout that takes effect is `new Storage({ timeout: ms })`: the library
// overwrites every per-request `timeout` with it (Service.request_), and when it is unset no request
// ever times out (the 60 s default is overwritten with undefined). The composition root must set it.
// A timed-out write is handled like a lost reply (above). Also: `retryOptions.maxRetryDelay` under 1
// (seconds) makes every `file.save` fail at once ("minTimeout is greater than maxTimeout"); this
// adapter does not use save(), but other code sharing the instance would.
import crypto from 'node:crypto';
import { CRC32C, type Bucket, type File, type Storage } from '@google-cloud/storage';
import {
  assertValidKey,
  type BlobMeta,
  type BlobStore,
  type Generation,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
  type StoredBlob,
} from '../../ports/blob-store';

export const GCS_WRITE_ID_METADATA = 'rowshotWriteId';
/** V4 signed URLs last at most 7 days. */
export const GCS_MAX_SIGNED_URL_TTL_SECONDS = 7 * 24 * 3600;

export interface GcsStoreOptions {
  storage: Storage;
  bucket: string;
  /** Upper bound for signedReadUrl's ttl (default and maximum: 7 days). */
  signedUrlTtlSeconds?: number;
  /** This adapter's own retries of writes (the library's are bypassed; see the header). */
  writeRetry?: {
    /** Attempts in total, including the first (default 4). */
    attempts?: number;
    /** First backoff delay; doubles each time, with jitter (default 250 ms). */
    initialDelayMs?: number;
    maxDelayMs?: number;
  };
}

/** A write whose outcome could not be determined (its reply was lost and the object moved on). */
export class GcsOutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GcsOutcomeUnknownError';
  }
}

interface GcsObjectMetadata {
  name?: string;
  generation?: string | number;
  size?: string | number;
  contentType?: string;
  updated?: string;
  md5Hash?: string;
  crc32c?: string;
  metadata?: Record<string, unknown> | null;
}

/** The HTTP status (or Node errno code) of a client error, if any. */
export function gcsErrorCode(err: unknown): number | string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string') return /^\d{3}$/.test(code) ? Number(code) : code;
  return undefined;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

/** Transient failures worth another attempt (the outcome of a write that failed so is unknown). */
export function gcsIsRetryable(err: unknown): boolean {
  const code = gcsErrorCode(err);
  if (typeof code === 'number') return RETRYABLE_STATUS.has(code);
  if (typeof code === 'string') return RETRYABLE_ERRNO.has(code.toUpperCase());
  if ((err as { type?: unknown } | null)?.type === 'request-timeout') return true;
  const message = err instanceof Error ? err.message.toLowerCase() : '';
  return message.includes('socket hang up') || message.includes('econnreset') || message.includes('network timeout');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class GcsStore implements BlobStore {
  private readonly bucket: Bucket;
  private readonly maxTtl: number;
  private readonly attempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: GcsStoreOptions) {
    this.bucket = options.storage.bucket(options.bucket);
    this.maxTtl = Math.min(options.signedUrlTtlSeconds ?? GCS_MAX_SIGNED_URL_TTL_SECONDS, GCS_MAX_SIGNED_URL_TTL_SECONDS);
    this.attempts = Math.max(1, options.writeRetry?.attempts ?? 4);
    this.initialDelayMs = options.writeRetry?.initialDelayMs ?? 250;
    this.maxDelayMs = options.writeRetry?.maxDelayMs ?? 8_000;
  }

  async stat(key: string): Promise<BlobMeta | null> {
    assertValidKey(key);
    const meta = await this.readMetadata(this.bucket.file(key));
    return meta === null ? null : toBlobMeta(key, meta);
  }

  async get(key: string): Promise<StoredBlob | null> {
    assertValidKey(key);
    for (let attempt = 1; ; attempt++) {
      const meta = await this.readMetadata(this.bucket.file(key));
      if (meta === null) return null;
      const blobMeta = toBlobMeta(key, meta);
      try {
        // A File with a generation downloads `…?alt=media&generation=G`: that version or 404.
        const [data] = await this.bucket.file(key, { generation: blobMeta.generation }).download();
        return { ...blobMeta, size: data.length, data };
      } catch (err) {
        // 404: the generation was replaced or deleted after the metadata read; read again.
        if (gcsErrorCode(err) !== 404 || attempt >= 5) throw err;
      }
    }
  }

  async put(key: string, data: Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const contentType = options.contentType ?? 'application/octet-stream';
    const precondition = options.ifGenerationMatch;
    const writeId = crypto.randomBytes(16).toString('hex');
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const generation = await this.uploadOnce(key, bytes, contentType, precondition, writeId);
        return { ok: true, generation };
      } catch (err) {
        const code = gcsErrorCode(err);
        if (code === 412) {
          if (ambiguous) {
            // An earlier attempt of ours may have committed late; the object tells.
            const meta = await this.readMetadata(this.bucket.file(key));
            if (meta !== null && writeIdOf(meta) === writeId) return { ok: true, generation: String(meta.generation) };
          }
          return { ok: false, reason: 'precondition_failed' };
        }
        if (!gcsIsRetryable(err)) throw err;
        ambiguous = true;
        // The attempt may or may not have committed: look before sending again.
        const meta = await this.readMetadata(this.bucket.file(key));
        if (meta !== null && writeIdOf(meta) === writeId) return { ok: true, generation: String(meta.generation) };
        const stillHolds =
          precondition === undefined ||
          (String(precondition) === '0' ? meta === null : meta !== null && String(meta.generation) === String(precondition));
        if (!stillHolds) {
          throw new GcsOutcomeUnknownError(
            `put ${key}: outcome unknown (attempt failed with ${String(code)} and the object changed since)`,
            { cause: err },
          );
        }
        if (attempt >= this.attempts) throw err;
        await sleep(this.backoff(attempt));
      }
    }
  }

  async delete(key: string, options: { ifGenerationMatch?: Generation } = {}): Promise<boolean> {
    assertValidKey(key);
    const precondition = options.ifGenerationMatch;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deleteOnce(key, precondition);
        return true;
      } catch (err) {
        const code = gcsErrorCode(err);
        if (code === 404 || code === 412) return false;
        if (!gcsIsRetryable(err)) throw err;
        const meta = await this.readMetadata(this.bucket.file(key));
        const stillThere =
          meta !== null && (precondition === undefined || String(meta.generation) === String(precondition));
        if (!stillThere) {
          // Gone or replaced: by this attempt or by someone else — cannot tell.
          throw new GcsOutcomeUnknownError(`delete ${key}: outcome unknown (attempt failed with ${String(code)})`, {
            cause: err,
          });
        }
        if (attempt >= this.attempts) throw err;
        await sleep(this.backoff(attempt));
      }
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const startAfter = options.startAfter;
    // startOffset is inclusive; the port's startAfter is exclusive, so the key itself is dropped.
    const startOffset = startAfter !== undefined && startAfter >= prefix ? startAfter : undefined;
    const [files, , apiResponse] = await this.bucket.getFiles({
      prefix,
      autoPaginate: false,
      ...(options.maxResults !== undefined ? { maxResults: options.maxResults } : {}),
      ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
      ...(startOffset !== undefined ? { startOffset } : {}),
    });
    const keys = files
      .map((f) => f.name)
      .filter((name) => startAfter === undefined || name > startAfter);
    const token = (apiResponse as { nextPageToken?: unknown } | undefined)?.nextPageToken;
    return { keys, nextPageToken: typeof token === 'string' && token !== '' ? token : null };
  }

  async signedReadUrl(key: string, ttlSeconds: number): Promise<string | null> {
    assertValidKey(key);
    const ttl = Math.max(1, Math.min(Math.floor(ttlSeconds), this.maxTtl));
    // A whole-second start makes X-Goog-Expires exactly `ttl` (the signer subtracts fractional times).
    const accessibleAt = Math.floor(Date.now() / 1000) * 1000;
    const [url] = await this.bucket.file(key).getSignedUrl({
      version: 'v4',
      action: 'read',
      accessibleAt,
      expires: accessibleAt + ttl * 1000,
    });
    return url;
  }

  /** One DELETE: ServiceObject.request with maxRetries 0, so no library retry (see the header). */
  private async deleteOnce(key: string, precondition: Generation | undefined): Promise<void> {
    await this.bucket.file(key).request({
      method: 'DELETE',
      uri: '',
      qs: precondition === undefined ? {} : { ifGenerationMatch: precondition },
      maxRetries: 0,
    });
  }

  /** One multipart upload request, no library retry; resolves to the new generation. */
  private uploadOnce(
    key: string,
    data: Buffer,
    contentType: string,
    precondition: Generation | 0 | undefined,
    writeId: string,
  ): Promise<Generation> {
    // A fresh File without a generation: a File with one would add its own ifGenerationMatch.
    const file: File = this.bucket.file(key);
    return new Promise<Generation>((resolve, reject) => {
      let settled = false;
      const stream = file.createWriteStream({
        resumable: false,
        // Checked below instead: on a mismatch the library deletes the object unconditionally,
        // which could remove a newer write of someone else.
        validation: false,
        contentType,
        metadata: { contentType, metadata: { [GCS_WRITE_ID_METADATA]: writeId } },
        ...(precondition === undefined ? {} : { preconditionOpts: { ifGenerationMatch: precondition } }),
      });
      stream.on('error', (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
      });
      stream.on('finish', () => {
        if (settled) return;
        settled = true;
        const meta = file.metadata as GcsObjectMetadata;
        if (meta.generation === undefined) {
          reject(new Error(`put ${key}: the upload reply has no generation`));
          return;
        }
        const generation = String(meta.generation);
        if (integrityMatches(data, meta)) {
          resolve(generation);
          return;
        }
        // The stored bytes are not the ones sent: remove exactly that generation, then fail.
        this.deleteOnce(key, generation)
          .catch(() => undefined)
          .finally(() => reject(new Error(`put ${key}: the stored object's checksum does not match the data sent`)));
      });
      stream.end(data);
    });
  }

  private async readMetadata(file: File): Promise<GcsObjectMetadata | null> {
    try {
      const [meta] = await file.getMetadata();
      return meta as GcsObjectMetadata;
    } catch (err) {
      if (gcsErrorCode(err) === 404) return null;
      throw err;
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.initialDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
    return base / 2 + Math.random() * (base / 2);
  }
}

/** The reply's md5Hash/crc32c against the bytes sent (at least one must be present). */
function integrityMatches(data: Buffer, meta: GcsObjectMetadata): boolean {
  if (meta.md5Hash === undefined && meta.crc32c === undefined) return false;
  if (meta.md5Hash !== undefined && meta.md5Hash !== crypto.createHash('md5').update(data).digest('base64')) return false;
  if (meta.crc32c !== undefined) {
    const crc = new CRC32C();
    crc.update(data);
    if (meta.crc32c !== crc.toString()) return false;
  }
  return true;
}

function writeIdOf(meta: GcsObjectMetadata): unknown {
  return meta.metadata?.[GCS_WRITE_ID_METADATA];
}

function toBlobMeta(key: string, meta: GcsObjectMetadata): BlobMeta {
  if (meta.generation === undefined) throw new Error(`stat ${key}: metadata without a generation`);
  return {
    key,
    generation: String(meta.generation),
    size: Number(meta.size ?? 0),
    contentType: meta.contentType ?? 'application/octet-stream',
    updated: meta.updated ?? new Date(0).toISOString(),
  };
}
