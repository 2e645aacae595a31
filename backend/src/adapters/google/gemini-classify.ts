// Turns what the Gemini SDK gives back — a response or a thrown error — into outcomes the core
// understands, with reasons short and plain enough for a Status cell and free of secrets.
import { ApiError } from '@google/genai';
import type { GenerateContentResponse } from '@google/genai';
import { parseRetryAfterMs } from '../retry-after';

export type GeminiFailure =
  | { kind: 'transient'; reason: string; retryAfterMs?: number; retryable: boolean; modelUnavailable?: boolean }
  | { kind: 'permanent'; reason: string };

export type GeminiAnswer =
  | { kind: 'image'; data: Buffer; mimeType: string }
  | { kind: 'permanent'; reason: string }
  /** No image and no refusal (NO_IMAGE, IMAGE_OTHER, OTHER, an empty reply): a second call usually works. */
  | { kind: 'no_image'; reason: string };

/** Finish reasons meaning the model refused or was stopped by a filter. */
const BLOCKING_FINISH_REASONS = new Set([
  'SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'IMAGE_PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII',
  'RECITATION', 'IMAGE_RECITATION',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Removes anything that looks like a Google API key or a key in a URL, then shortens. */
export function sanitize(text: string, max = 200): string {
  const clean = text
    .replace(/AIza[0-9A-Za-z_-]{20,}/g, '[redacted]')
    .replace(/([?&](?:key|api_key|access_token)=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A google.protobuf.Duration string ("37s", "1.5s") in ms. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m?.[1] === undefined ? undefined : Math.ceil(Number(m[1]) * 1000);
}

interface ApiErrorBody { message?: string; status?: string; details?: unknown[] }

/** ApiError.message is the JSON error body as a string; returns its `error` object when it is one. */
function parseErrorBody(message: string): ApiErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (error && typeof error === 'object') return error as ApiErrorBody;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * The server's requested wait, from wherever the error carries it: a Retry-After header (when
 * an error object exposes headers — the SDK's ApiError does not), google.rpc.RetryInfo in the
 * error details, or "Please retry in 12.3s." in the message.
 */
export function retryAfterFromError(err: unknown, body: ApiErrorBody | undefined, nowMs = Date.now()): number | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  if (headers && typeof (headers as Headers).get === 'function') {
    const fromHeader = parseRetryAfterMs((headers as Headers).get('retry-after'), nowMs);
    if (fromHeader !== undefined) return fromHeader;
  }
  for (const detail of body?.details ?? []) {
    if (detail && typeof detail === 'object' && String((detail as Record<string, unknown>)['@type']).endsWith('google.rpc.RetryInfo')) {
      const ms = durationMs((detail as Record<string, unknown>).retryDelay);
      if (ms !== undefined) return ms;
    }
  }
  const m = /retry in (\d+(?:\.\d+)?)\s*s/i.exec(body?.message ?? '');
  return m?.[1] === undefined ? undefined : Math.ceil(Number(m[1]) * 1000);
}

/** A 429 whose QuotaFailure (or message) says the limit itself is 0. */
function hasZeroQuota(body: ApiErrorBody | undefined): boolean {
  for (const detail of body?.details ?? []) {
    if (!detail || typeof detail !== 'object' || !String((detail as Record<string, unknown>)['@type']).endsWith('google.rpc.QuotaFailure')) continue;
    const violations = (detail as { violations?: unknown }).violations;
    if (Array.isArray(violations) && violations.some((v) => String((v as { quotaValue?: unknown } | null)?.quotaValue) === '0')) return true;
  }
  return /\blimit: 0\b/.test(body?.message ?? '');
}

function transientFor(status: number): string {
  switch (status) {
    case 429: return 'Gemini is rate limiting (429)';
    case 503: return 'Gemini is unavailable (503)';
    case 500: return 'Gemini had an internal error (500)';
    case 502: return 'Gemini had a gateway error (502)';
    case 504: return 'Gemini timed out (504)';
    case 408: return 'Gemini timed out (408)';
    default: return `Gemini failed (${status})`;
  }
}

function isAbortLike(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies a thrown error. `callerAborted` is true when the caller's own signal fired (the
 * task is being cancelled or timed out upstream): transient, never retried here. `vertex` says
 * whose credentials a 401/403 refused: the API key's, or (Vertex AI) the service account's.
 */
export function classifyError(err: unknown, callerAborted: boolean, vertex = false): GeminiFailure {
  if (callerAborted) return { kind: 'transient', reason: 'the Gemini request was aborted', retryable: false };
  if (err instanceof ApiError) {
    const status = err.status;
    const body = parseErrorBody(err.message);
    const apiMessage = sanitize(body?.message ?? err.message, 160);
    if (status === 401 || status === 403) {
      // Vertex names the missing permission and the project, which is what the operator needs.
      return vertex
        ? { kind: 'permanent', reason: `Vertex AI refused the service's credentials (${status}): ${apiMessage}` }
        : { kind: 'permanent', reason: 'the Gemini API key is not valid or lacks access' };
    }
    // A quota of 0 is not rate limiting: no retry will help until billing is enabled.
    if (status === 429 && hasZeroQuota(body)) return { kind: 'permanent', reason: 'this Gemini key has no image quota (billing not enabled?)' };
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = retryAfterFromError(err, body);
      const base = transientFor(status);
      return {
        kind: 'transient',
        reason: apiMessage ? `${base}: ${apiMessage}` : base,
        retryable: status === 429 || status === 408 || [500, 502, 503, 504].includes(status),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    // A retired (or not yet enabled) model: not the row's fault; the core moves it to the next model.
    if (status === 404) return { kind: 'transient', reason: `Gemini does not know this model (404): ${apiMessage}`, retryable: false, modelUnavailable: true };
    if (status === 400 && body?.status === 'FAILED_PRECONDITION') {
      return { kind: 'permanent', reason: `Gemini refused the request (not available for this project or region): ${apiMessage}` };
    }
    return { kind: 'permanent', reason: `Gemini rejected the request (${status}): ${apiMessage}` };
  }
  if (isAbortLike(err)) return { kind: 'transient', reason: 'the Gemini request timed out', retryable: true };
  const code = networkCode(err);
  const message = sanitize(err instanceof Error ? err.message : String(err), 160);
  if (code || (err instanceof TypeError && /fetch failed|network|socket/i.test(message))) {
    return { kind: 'transient', reason: `could not reach Gemini (${code ?? message})`, retryable: true };
  }
  // Unknown faults (e.g. an unparseable reply) are transient so that the task is retried later.
  return { kind: 'transient', reason: `Gemini request failed: ${message}`, retryable: false };
}

/** The image of a successful reply, or why there is none. */
export function classifyResponse(res: GenerateContentResponse): GeminiAnswer {
  const blockReason = res.promptFeedback?.blockReason;
  if (blockReason) {
    const detail = res.promptFeedback?.blockReasonMessage;
    return { kind: 'permanent', reason: `the model blocked this request (${blockReason})${detail ? `: ${sanitize(detail, 120)}` : ''}` };
  }
  const candidate = res.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  // Thinking models may send interim "thought" images before the final one: take the last real image.
  const image = parts.filter((p) => !p.thought && p.inlineData?.data && (p.inlineData.mimeType ?? '').startsWith('image/')).at(-1);
  if (image?.inlineData?.data) {
    return { kind: 'image', data: Buffer.from(image.inlineData.data, 'base64'), mimeType: image.inlineData.mimeType ?? 'image/png' };
  }
  const finish = candidate?.finishReason;
  if (finish && BLOCKING_FINISH_REASONS.has(finish)) {
    return { kind: 'permanent', reason: `the model blocked this request (${finish})` };
  }
  const text = parts.filter((p) => !p.thought && typeof p.text === 'string').map((p) => p.text).join(' ').trim();
  if (text) return { kind: 'permanent', reason: `the model answered with text instead of an image: «${sanitize(text, 120)}»` };
  if (finish && finish !== 'STOP' && finish !== 'FINISH_REASON_UNSPECIFIED') {
    return { kind: 'no_image', reason: `the model returned no image (${finish})` };
  }
  return { kind: 'no_image', reason: 'the model returned no image' };
}
