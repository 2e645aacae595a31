// How a failed CreateTask surfaces from @google-cloud/tasks depends on the auth client it was given
// (measured with google-gax 5.0.8 in `fallback: true` mode):
//
// - a google-auth-library client (OAuth2Client, GoogleAuth…): its gaxios transport throws on any
//   non-2xx, so the error is a GaxiosError with `code` and `status` = the HTTP status (409, 503, 504)
//   and `response.data.error.status` = the canonical name ('ALREADY_EXISTS', 'UNAVAILABLE', …);
// - an auth client whose fetch does not throw (e.g. plain `fetch`), and the gRPC transport: gax
//   decodes the body into a GoogleError whose `code` is the gRPC code (6, 14, 4).
//
// HTTP statuses are ≥ 100 and gRPC codes ≤ 16, so one numeric `code` field cannot be ambiguous.

/** gRPC status codes used here. */
const GRPC = { DEADLINE_EXCEEDED: 4, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14 } as const;

const TRANSIENT_STATUS_NAMES = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED']);
const TRANSIENT_GRPC = new Set<number>([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.RESOURCE_EXHAUSTED]);
const TRANSIENT_HTTP = new Set<number>([429, 502, 503, 504]);
/** Socket-level failures (node / undici / gaxios codes). */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

interface ErrorFacts {
  /** gRPC code, when the error carries one. */
  grpc?: number;
  /** HTTP status, when the error carries one. */
  http?: number;
  /** Canonical status name from a JSON error body ('ALREADY_EXISTS', …). */
  statusName?: string;
  /** A non-numeric `code` such as 'ECONNRESET'. */
  networkCode?: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function statusNameFromBody(data: unknown): string | undefined {
  let d = data;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch {
      return undefined;
    }
  }
  const status = asRecord(asRecord(d)?.error)?.status;
  return typeof status === 'string' ? status : undefined;
}

function facts(err: unknown): ErrorFacts {
  const e = asRecord(err);
  if (!e) return {};
  const out: ErrorFacts = {};
  const code = e.code;
  const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
  if (numeric !== undefined) {
    if (numeric >= 100) out.http = numeric;
    else out.grpc = numeric;
  } else if (typeof code === 'string') {
    out.networkCode = code;
  }
  const response = asRecord(e.response);
  const httpStatus = typeof e.status === 'number' ? e.status : typeof response?.status === 'number' ? response.status : undefined;
  if (httpStatus !== undefined && httpStatus >= 100) out.http = httpStatus;
  const name = statusNameFromBody(response?.data);
  if (name) out.statusName = name;
  const cause = asRecord(e.cause);
  if (!out.networkCode && typeof cause?.code === 'string') out.networkCode = cause.code;
  return out;
}

/** CreateTask failed because a task with that name exists (or existed recently). */
export function isAlreadyExists(err: unknown): boolean {
  const f = facts(err);
  if (f.statusName) return f.statusName === 'ALREADY_EXISTS';
  return f.grpc === GRPC.ALREADY_EXISTS || f.http === 409;
}

/** Worth retrying: unavailable, deadline exceeded, throttled, or a dropped connection. */
export function isTransient(err: unknown): boolean {
  const f = facts(err);
  if (f.statusName && TRANSIENT_STATUS_NAMES.has(f.statusName)) return true;
  if (f.grpc !== undefined && TRANSIENT_GRPC.has(f.grpc)) return true;
  if (f.http !== undefined && TRANSIENT_HTTP.has(f.http)) return true;
  return f.networkCode !== undefined && TRANSIENT_NETWORK.has(f.networkCode);
}

/** A short description for error messages (never includes request data). */
export function describeError(err: unknown): string {
  const f = facts(err);
  const parts: string[] = [];
  if (f.statusName) parts.push(f.statusName);
  if (f.grpc !== undefined) parts.push(`grpc ${f.grpc}`);
  if (f.http !== undefined) parts.push(`http ${f.http}`);
  if (f.networkCode) parts.push(f.networkCode);
  return parts.length > 0 ? parts.join(', ') : err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200);
}
