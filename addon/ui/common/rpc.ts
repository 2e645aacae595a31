// A typed Promise wrapper over google.script.run. At most three calls are in flight at once
// (Apps Script runs about ten per user; polling and uploads must not starve a click), the rest
// wait in a queue. A call that never reached the server (network, a thrown server error)
// resolves to an error Result like any other, so callers handle one shape.
import type { Result, RpcError, ServerFunctions } from '../../server/rpc';
import { showBanner } from './dom';

export type FnName = keyof ServerFunctions;
export type ArgsOf<K extends FnName> = Parameters<ServerFunctions[K]>;
export type ValueOf<K extends FnName> = ReturnType<ServerFunctions[K]> extends Result<infer T> ? T : never;

/** Error code for a call that failed in transport or threw on the server (not a Result). */
export const TRANSPORT_ERROR = 'transport';

const MAX_IN_FLIGHT = 3;
let inFlight = 0;
const waiting: (() => void)[] = [];

function acquire(): Promise<void> {
  if (inFlight < MAX_IN_FLIGHT) {
    inFlight++;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else inFlight--;
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function runOnce(name: string, args: unknown[]): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const google = window.google;
    if (!google) {
      resolve({ ok: false, error: { code: TRANSPORT_ERROR, message: 'This page must be opened from the Rowshot menu in Google Sheets.' } });
      return;
    }
    const runner = google.script.run
      .withSuccessHandler((value) => {
        resolve(isResult(value) ? value : { ok: false, error: { code: 'backend_error', message: `The add-on answered ${name} with something unexpected.` } });
      })
      .withFailureHandler((error) => {
        const message = error && typeof error.message === 'string' && error.message !== '' ? error.message : String(error);
        resolve({ ok: false, error: { code: TRANSPORT_ERROR, message: `Could not reach the add-on (${message}). Try again.` } });
      }) as unknown as Record<string, (...a: unknown[]) => void>;
    const fn = runner[name];
    if (typeof fn !== 'function') {
      resolve({ ok: false, error: { code: TRANSPORT_ERROR, message: `The add-on has no function ${name}.` } });
      return;
    }
    fn.apply(runner, args);
  });
}

/** Calls a server function; always resolves, to the function's Result or a transport error. */
export async function call<K extends FnName>(name: K, ...args: ArgsOf<K>): Promise<Result<ValueOf<K>>> {
  await acquire();
  try {
    return (await runOnce(name, args)) as Result<ValueOf<K>>;
  } finally {
    release();
  }
}

/** Whether trying the same request again may succeed (the request may not have arrived). */
export function isRetryable(error: RpcError): boolean {
  return error.code === TRANSPORT_ERROR || error.code === 'unreachable' || error.code === 'busy';
}

/** Readable text for an error, with per-field messages when the server gave them. */
export function errorText(error: RpcError): string {
  // Servers often put the field messages in the message already; add only the ones missing.
  const fields = (error.fields ?? []).filter((f) => !error.message.includes(f.message)).map((f) => `${f.field}: ${f.message}`);
  return fields.length > 0 ? `${error.message} (${fields.join('; ')})` : error.message;
}

/**
 * Calls a server function and shows its error in the page's banner; returns the value, or
 * null after showing why there is none.
 */
export async function callOrShow<K extends FnName>(name: K, ...args: ArgsOf<K>): Promise<ValueOf<K> | null> {
  const result = await call(name, ...args);
  if (result.ok) return result.value;
  showBanner('error', errorText(result.error));
  return null;
}
