// HTTP to the Rowshot backend through the HttpPort (UrlFetchApp): JSON in and out, the Google ID
// token or the API key as a Bearer token, and every failure mapped to one RpcError code with a readable message.
// RFC 7807 problems keep their detail and list their invalid fields.
import { Problem } from '../../../shared/index';
import { AddonError, messageOf } from '../result';
import type { HttpMethod, HttpPort, HttpRequest, HttpResponse } from '../services/ports';
import { bearerOf, describeCredential, type Credential } from './credential';

export interface BackendSettings {
  backendUrl: string;
  credential: Credential;
}

export interface CallOptions {
  /** A JSON body. */
  json?: unknown;
  /** A binary body (base64) with its content type. */
  bytes?: { base64: string; contentType: string };
  headers?: Record<string, string>;
}

/** Schemas are zod/mini; only `safeParse` is needed here. */
export interface Parser<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export class BackendClient {
  constructor(private readonly http: HttpPort, readonly settings: BackendSettings) {}

  get url(): string {
    return this.settings.backendUrl;
  }

  /** A call whose answer is JSON checked against `schema`; 204 answers `undefined`. */
  call<T>(method: HttpMethod, path: string, schema: Parser<T> | null, opts: CallOptions = {}): T {
    const res = this.send(method, path, opts);
    if (res.status >= 200 && res.status < 300) {
      if (schema === null) return undefined as T;
      const body = parseJson(res.body);
      const parsed = body.ok ? schema.safeParse(body.value) : null;
      if (parsed?.success) return parsed.data;
      const why = parsed ? parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') : 'not JSON';
      throw new AddonError('unreachable', `Could not reach a Rowshot backend at ${this.url}: ${method.toUpperCase()} ${path} answered something unexpected (${why}). Check the backend URL in Settings.`);
    }
    throw this.failure(method, path, res);
  }

  private send(method: HttpMethod, path: string, opts: CallOptions): HttpResponse {
    const headers: Record<string, string> = { authorization: `Bearer ${bearerOf(this.settings.credential)}`, accept: 'application/json', ...opts.headers };
    const req: HttpRequest = { url: `${this.url}${path}`, method, headers };
    if (opts.json !== undefined) {
      req.contentType = 'application/json';
      req.payload = JSON.stringify(opts.json);
    } else if (opts.bytes) {
      req.contentType = opts.bytes.contentType;
      req.payload = { base64: opts.bytes.base64 };
    }
    try {
      return this.http.fetch(req);
    } catch (e) {
      throw new AddonError('unreachable', `Could not reach ${this.url}: ${messageOf(e)}. Check the backend URL in Settings and that the backend is running.`);
    }
  }

  private failure(method: HttpMethod, path: string, res: HttpResponse): AddonError {
    const body = parseJson(res.body);
    const problem = body.ok ? Problem.safeParse(body.value) : null;
    if (!problem?.success) {
      // Not a Rowshot problem: another server (a wrong URL, a proxy page) answered.
      if (res.status === 401 || res.status === 403) return this.refused(null);
      return new AddonError('unreachable', `Could not reach a Rowshot backend at ${this.url}: ${method.toUpperCase()} ${path} answered HTTP ${res.status}. Check the backend URL in Settings.`);
    }
    const p = problem.data;
    const fields = p.invalidFields ?? [];
    const listed = fields.length > 0 ? ` (${fields.slice(0, 5).map((f) => `${f.field}: ${f.message}`).join('; ')}${fields.length > 5 ? `; and ${fields.length - 5} more` : ''})` : '';
    const detail = `${p.detail ?? p.title}${listed}`;
    if (p.status === 401 || p.code === 'unauthenticated') return this.refused(p.detail ?? null);
    const code = codeFor(p.status, p.code);
    return new AddonError(code, code === 'backend_error' ? `The backend failed (HTTP ${p.status}): ${detail}` : detail, fields);
  }

  private refused(detail: string | null): AddonError {
    const c = this.settings.credential;
    if (c.kind === 'api_key') return new AddonError('unauthenticated', `The backend refused ${describeCredential(c)}: check the API key in Settings.`);
    // The backend says why (expired, another audience, no Google sign-in configured): pass it on.
    const why = detail === null ? '' : `: ${detail}`;
    return new AddonError('unauthenticated', `The backend refused ${describeCredential(c)}${why}. If it takes API keys only, choose "An API key" in Settings.`);
  }
}

function codeFor(status: number, code: string): string {
  if (code === 'over_budget') return 'over_budget';
  if (status === 403) return 'unauthenticated';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429 || status === 503) return 'busy';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'backend_error';
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
