// Results for google.script.run: expected failures travel as an AddonError (a stable code and
// a readable message) and every server function turns whatever it throws into a Result, so
// the sidebar never sees a raw exception, a stack or a secret.
import type { Result, RpcError } from './rpc';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: string, message: string, fields?: RpcError['fields']): Result<T> {
  return { ok: false, error: fields && fields.length > 0 ? { code, message, fields } : { code, message } };
}

/** An expected failure deep in the logic; `guard` turns it into `{ ok: false, error }`. */
export class AddonError extends Error {
  readonly rpc: RpcError;

  constructor(code: string, message: string, fields?: RpcError['fields']) {
    super(message);
    this.name = 'AddonError';
    this.rpc = fields && fields.length > 0 ? { code, message, fields } : { code, message };
  }

  get code(): string {
    return this.rpc.code;
  }
}

/** The error of anything thrown: an AddonError as it is, anything else as `internal`. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof AddonError) return e.rpc;
  return { code: 'internal', message: `The add-on hit an unexpected error: ${messageOf(e)}` };
}

/** The first line of an error's message, without a stack. */
export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  const line = (text || 'no message').split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Runs one server function: its value, or its failure as data. */
export function guard<T>(body: () => T): Result<T> {
  try {
    return ok(body());
  } catch (e) {
    return { ok: false, error: toRpcError(e) };
  }
}
