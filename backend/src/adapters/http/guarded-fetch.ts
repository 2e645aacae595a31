// Fetches an image a sheet links to without letting the link reach the server's own network
// (SSRF): https only, every resolved address vetted, the vetted address is the one connected to
// (no DNS rebinding), every redirect re-checked, size and time bounded. Failures are values.
import { lookup } from 'node:dns/promises';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { blockedAddressKind } from './blocked-addresses';

export { isBlockedAddress } from './blocked-addresses';

export interface GuardedFetchOptions {
  /** Largest body accepted (bytes); default 10 * 1024 * 1024. */
  maxBytes?: number;
  /** Redirects followed (each re-checked); default 3. */
  maxRedirects?: number;
  /** Time to connect (DNS + TCP + TLS) per hop; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Time for the whole fetch including redirects and body; default 20000 ms. */
  totalTimeoutMs?: number;
  /** TEST ONLY: allow loopback addresses (127.0.0.0/8, ::1). Never on by default. */
  allowLoopback?: boolean;
  /** Extra CA certificate(s) (PEM) to trust, e.g. a test server's self-signed cert. */
  ca?: string | undefined;
  /** DNS (a boundary, injectable for tests); default: node:dns/promises lookup(host, { all: true }). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

export type FetchOutcome =
  | { ok: true; data: Buffer; contentType: string | null; finalUrl: string }
  /** `reason` is a short phrase for a person, put inside parentheses by the caller, e.g. "HTTP 404 from example.com". */
  | { ok: false; kind: 'permanent' | 'transient'; reason: string };

export type GuardedFetch = (url: string, signal?: AbortSignal) => Promise<FetchOutcome>;

type Failure = Extract<FetchOutcome, { ok: false }>;
/** One request's result: final, or where it redirects to. */
type Hop = FetchOutcome | { redirect: string };
/** A link that passed the scheme and name checks. `host` has no brackets or trailing dot. */
interface Target { url: URL; host: string; literal: boolean }
type Settings = Required<Omit<GuardedFetchOptions, 'ca'>> & { ca: string[] | undefined };

const MB = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEADERS = { 'User-Agent': 'Rowshot-reference-fetch/1', Accept: 'image/png,image/jpeg,image/webp,*/*;q=0.1' };
// Names that only mean something inside a network; refused before DNS is asked.
const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/;
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/;

const permanent = (reason: string): Failure => ({ ok: false, kind: 'permanent', reason });
const transient = (reason: string): Failure => ({ ok: false, kind: 'transient', reason });
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))} s`;
const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

function sizeText(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  return bytes >= 1024 ? `${Number((bytes / 1024).toFixed(1))} KB` : `${bytes} bytes`;
}

function parseTarget(href: string): Target | Failure {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return permanent('not a valid link');
  }
  if (url.protocol !== 'https:') return permanent(`only https links are accepted (got ${url.protocol})`);
  if (url.username !== '' || url.password !== '') return permanent('links with a user name or password are not accepted');
  // The URL parser already lower-cases names and turns 0x7f.1-style IPv4 into 127.0.0.1.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  if (host === '') return permanent('not a valid link');
  if (isIP(host) !== 0) return { url, host, literal: true };
  // A dotless name (e.g. "metadata") is completed by the server's own DNS search domains.
  if (!host.includes('.') || LOCAL_NAME.test(host)) return permanent(`${host} is a local network name`);
  return { url, host, literal: false };
}

/** The address to connect to, once every address the host has is known to be public. */
async function vet(t: Target, s: Settings): Promise<{ address: string } | Failure> {
  if (t.literal) {
    const kind = blockedAddressKind(t.host, s.allowLoopback);
    return kind === null ? { address: t.host } : permanent(`${t.host} is ${kind}`);
  }
  let answers: { address: string }[];
  try {
    answers = await s.resolve(t.host);
  } catch (err) {
    const code = errorCode(err) ?? 'DNS error';
    return code === 'ENOTFOUND' || code === 'ENODATA' ? permanent(`${t.host} was not found (${code})`) : transient(`could not look up ${t.host} (${code})`);
  }
  // Every answer counts: a mixed public/private answer could be used to pick the private one later.
  for (const { address } of answers) {
    const kind = blockedAddressKind(address, s.allowLoopback);
    if (kind !== null) return permanent(`${t.host} resolves to ${kind} (${address})`);
  }
  const first = answers[0];
  return first ? { address: first.address } : permanent(`${t.host} was not found`);
}

function send(t: Target, address: string, s: Settings): ClientRequest {
  return request({
    host: address, // the vetted IP itself, so a second DNS answer cannot swap it
    port: t.url.port === '' ? 443 : Number(t.url.port),
    path: t.url.pathname + t.url.search,
    method: 'GET',
    headers: { ...HEADERS, Host: t.url.host },
    // SNI and certificate check use the name; IP literals are checked against the IP itself.
    ...(t.literal ? {} : { servername: t.host }),
    ca: s.ca,
    agent: false, // no pooled socket shared between differently vetted hops
  });
}

function statusFailure(status: number, host: string): Failure {
  const reason = `HTTP ${status} from ${host}`;
  return status === 408 || status === 429 || status >= 500 ? transient(reason) : permanent(reason);
}

function networkFailure(host: string, err: unknown, responded: boolean): Failure {
  const code = errorCode(err) ?? 'network error';
  if (CERT_ERROR.test(code)) return permanent(`${host}'s certificate is not trusted (${code})`);
  return transient(responded ? `the connection to ${host} was cut (${code})` : `could not connect to ${host} (${code})`);
}

function readBody(t: Target, res: IncomingMessage, s: Settings, done: (hop: Hop) => void): void {
  const status = res.statusCode ?? 0;
  if (REDIRECTS.has(status)) {
    const location = res.headers.location;
    return done(location ? { redirect: location } : permanent(`HTTP ${status} from ${t.host} without a new location`));
  }
  if (status !== 200) return done(statusFailure(status, t.host));
  const tooLarge = permanent(`larger than ${sizeText(s.maxBytes)}`);
  if (Number(res.headers['content-length']) > s.maxBytes) return done(tooLarge);
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > s.maxBytes) return done(tooLarge);
    chunks.push(chunk);
  });
  res.on('end', () => done({ ok: true, data: Buffer.concat(chunks, size), contentType: res.headers['content-type'] ?? null, finalUrl: t.url.href }));
  res.on('error', (err) => done(networkFailure(t.host, err, true)));
  // After 'end' this is a no-op; before it, the body was cut short.
  res.on('close', () => done(transient(`the connection to ${t.host} was cut`)));
}

/** One request: vet, connect (bounded by the connect timeout), read. Settles exactly once. */
function runHop(t: Target, s: Settings, signal: AbortSignal, stopped: () => Failure): Promise<Hop> {
  if (signal.aborted) return Promise.resolve(stopped());
  return new Promise((settle) => {
    let settled = false;
    let responded = false;
    let req: ClientRequest | undefined;
    const done = (hop: Hop): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      req?.destroy();
      settle(hop);
    };
    const onAbort = (): void => done(stopped());
    const connectTimer = setTimeout(() => done(transient(`${t.host} did not answer within ${seconds(s.connectTimeoutMs)}`)), s.connectTimeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    vet(t, s)
      .then((vetted) => {
        if (settled) return;
        if ('ok' in vetted) return done(vetted);
        req = send(t, vetted.address, s);
        req.on('socket', (socket) => socket.once('secureConnect', () => clearTimeout(connectTimer)));
        req.on('error', (err) => done(networkFailure(t.host, err, responded)));
        req.on('response', (res) => {
          responded = true;
          readBody(t, res, s, done);
        });
        req.end();
      })
      .catch((err: unknown) => done(networkFailure(t.host, err, responded)));
  });
}

function settings(o: GuardedFetchOptions): Settings {
  return {
    maxBytes: o.maxBytes ?? 10 * MB,
    maxRedirects: o.maxRedirects ?? 3,
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    totalTimeoutMs: o.totalTimeoutMs ?? 20_000,
    allowLoopback: o.allowLoopback ?? false,
    // `ca` replaces Node's trust store, so the extra certificate is added to the public roots.
    ca: o.ca === undefined ? undefined : [...rootCertificates, o.ca],
    resolve: o.resolve ?? ((host) => lookup(host, { all: true })),
  };
}

export function guardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const s = settings(options);
  return async (href, callerSignal) => {
    if (callerSignal?.aborted) return transient('aborted');
    const stop = new AbortController();
    const onCallerAbort = (): void => stop.abort('aborted');
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const totalTimer = setTimeout(() => stop.abort('timeout'), s.totalTimeoutMs);
    const stopped = (): Failure => (stop.signal.reason === 'timeout' ? transient(`timed out after ${seconds(s.totalTimeoutMs)}`) : transient('aborted'));
    try {
      let current = href;
      for (let followed = 0; ; followed++) {
        const target = parseTarget(current);
        if ('ok' in target) return target;
        const hop = await runHop(target, s, stop.signal, stopped);
        if (!('redirect' in hop)) return hop;
        if (followed >= s.maxRedirects) return permanent(`too many redirects (more than ${s.maxRedirects})`);
        try {
          current = new URL(hop.redirect, target.url).href;
        } catch {
          return permanent(`${target.host} redirected to an invalid link`);
        }
      }
    } finally {
      clearTimeout(totalTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  };
}
