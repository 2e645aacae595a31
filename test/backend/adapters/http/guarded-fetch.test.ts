// The SSRF guard against a real local HTTPS server that counts every request: a refusal must
// mean no request was sent, and the checked address must be the one connected to.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { guardedFetch, isBlockedAddress, type GuardedFetchOptions } from '../../../../backend/src/adapters/http/guarded-fetch';

const TLS_DIR = path.resolve(__dirname, '../../../fixtures/tls');
const cert = readFileSync(path.join(TLS_DIR, 'localhost-cert.pem'), 'utf8');
const key = readFileSync(path.join(TLS_DIR, 'localhost-key.pem'), 'utf8');
const TWENTY_MB = 20 * 1024 * 1024;

const seen = { requests: 0, servername: null as string | false | null };
const big = { sent: 0, finished: false };
const hanging: ServerResponse[] = [];
let png: Buffer;
let server: Server;
let port: number;

function streamBig(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'image/png' }); // no Content-Length: chunked
  Object.assign(big, { sent: 0, finished: false });
  const chunk = Buffer.alloc(64 * 1024);
  const pump = (): void => {
    while (big.sent < TWENTY_MB) {
      big.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    big.finished = true;
    res.end();
  };
  pump();
}

function route(req: IncomingMessage, res: ServerResponse): void {
  seen.requests++;
  seen.servername = (req.socket as TLSSocket).servername;
  const redirect = (to: string) => res.writeHead(302, { location: to }).end();
  switch (new URL(req.url ?? '/', 'https://x').pathname) {
    case '/ok.png': return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    case '/text': return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    case '/busy': return void res.writeHead(503).end();
    case '/big': return streamBig(res);
    case '/big-declared': res.writeHead(200, { 'content-type': 'image/png', 'content-length': TWENTY_MB }).flushHeaders(); return void hanging.push(res);
    case '/slow': return void hanging.push(res);
    case '/redirect-private': return void redirect('https://10.0.0.5/x');
    case '/redirect-loop': return void redirect('/redirect-loop');
    case '/redirect-ok': return void redirect('/ok.png');
    default: return void res.writeHead(404).end();
  }
}

beforeAll(async () => {
  png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toBuffer();
  server = createServer({ key, cert }, route);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const at = (pathname: string, host = '127.0.0.1') => `https://${host}:${port}${pathname}`;
const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
/** Trusts the fixture cert and lets the local server be reached, as only tests may. */
const local = (extra: GuardedFetchOptions = {}) => guardedFetch({ ca: cert, allowLoopback: true, ...extra });
const noDns = () => vi.fn(async () => { throw new Error('DNS must not be asked'); });

/** Runs a fetch and checks that the server saw exactly `requests` more requests. */
async function counted(requests: number, run: () => Promise<unknown>) {
  const before = seen.requests;
  const outcome = await run();
  expect(seen.requests - before).toBe(requests);
  return outcome;
}
const refused = (reason: string | RegExp) => ({ ok: false, kind: 'permanent', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });

describe('guardedFetch refuses what could reach the server itself', () => {
  it('refuses a loopback literal by default, sending nothing', async () => {
    expect(await counted(0, () => guardedFetch({ ca: cert })(at('/ok.png')))).toEqual(refused('127.0.0.1 is a loopback address'));
  });

  it('refuses local names before DNS, even with loopback allowed', async () => {
    const resolve = noDns();
    for (const host of ['localhost', 'LOCALHOST.', 'a.localhost', 'metadata', 'metadata.google.internal', 'db.internal', 'printer.local']) {
      const name = host.toLowerCase().replace(/\.$/, '');
      expect(await counted(0, () => local({ resolve })(at('/ok.png', host)))).toEqual(refused(`${name} is a local network name`));
    }
    expect(resolve).not.toHaveBeenCalled();
  });

  it('refuses a name that resolves to loopback, and one answer of several being private', async () => {
    expect(await counted(0, () => guardedFetch({ ca: cert, resolve: toLoopback })(at('/ok.png', 'evil.test')))).toEqual(refused('evil.test resolves to a loopback address (127.0.0.1)'));
    const mixed = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }];
    expect(await guardedFetch({ resolve: mixed })('https://images.test/a.png')).toEqual(refused('images.test resolves to a private address (10.0.0.1)'));
  });

  it('refuses private, metadata and special literals before connecting', async () => {
    const cases: [string, string][] = [
      ['10.1.2.3', '10.1.2.3 is a private address'],
      ['169.254.169.254', '169.254.169.254 is a cloud metadata address'],
      ['100.64.0.1', '100.64.0.1 is a private address'],
      ['224.0.0.1', '224.0.0.1 is a multicast address'],
      ['0x7f000001', '127.0.0.1 is a loopback address'], // the URL parser's IPv4 forms
      ['[::1]', '::1 is a loopback address'],
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1 is a loopback address'],
      ['[fd00:ec2::254]', 'fd00:ec2::254 is a cloud metadata address'],
      ['[64:ff9b::a00:1]', '64:ff9b::a00:1 is a private address'],
    ];
    // A short connect timeout: had the guard let one through, the outcome would be transient.
    const fetch = guardedFetch({ resolve: noDns(), connectTimeoutMs: 200 });
    for (const [host, reason] of cases) expect(await fetch(`https://${host}/x.png`), host).toEqual(refused(reason));
  });

  it('accepts only https links without credentials', async () => {
    const fetch = local();
    expect(await counted(0, () => fetch(at('/ok.png').replace('https:', 'http:')))).toEqual(refused('only https links are accepted (got http:)'));
    expect(await fetch('file:///etc/passwd')).toEqual(refused('only https links are accepted (got file:)'));
    expect(await fetch('ftp://example.com/a.png')).toEqual(refused('only https links are accepted (got ftp:)'));
    expect(await counted(0, () => fetch(at('/ok.png').replace('://', '://user:pw@')))).toEqual(refused('links with a user name or password are not accepted'));
    expect(await fetch('not a link')).toEqual(refused('not a valid link'));
  });
});

describe('guardedFetch fetches from an allowed server', () => {
  it('returns the image bytes and type', async () => {
    expect(await counted(1, () => local()(at('/ok.png')))).toEqual({ ok: true, data: png, contentType: 'image/png', finalUrl: at('/ok.png') });
    expect(await local()(at('/text'))).toMatchObject({ ok: true, contentType: 'text/plain', data: Buffer.from('hello') });
  });

  it('connects to the vetted address but speaks TLS (SNI, certificate) to the name', async () => {
    expect(await local({ resolve: toLoopback })(at('/ok.png', 'evil.test'))).toMatchObject({ ok: true, data: png });
    expect(seen.servername).toBe('evil.test');
    const other = await counted(0, () => local({ resolve: toLoopback })(at('/ok.png', 'other.test')));
    expect(other).toEqual(refused("other.test's certificate is not trusted (ERR_TLS_CERT_ALTNAME_INVALID)"));
  });

  it('refuses an untrusted certificate for good', async () => {
    expect(await counted(0, () => guardedFetch({ allowLoopback: true })(at('/ok.png')))).toEqual(refused(/^127\.0\.0\.1's certificate is not trusted \([A-Z_]+\)$/));
  });

  it('re-checks every redirect and bounds how many are followed', async () => {
    expect(await counted(1, () => local()(at('/redirect-private')))).toEqual(refused('10.0.0.5 is a private address'));
    expect(await counted(4, () => local()(at('/redirect-loop')))).toEqual(refused('too many redirects (more than 3)'));
    expect(await counted(2, () => local()(at('/redirect-ok')))).toEqual({ ok: true, data: png, contentType: 'image/png', finalUrl: at('/ok.png') });
    expect(await counted(1, () => local({ maxRedirects: 0 })(at('/redirect-ok')))).toEqual(refused('too many redirects (more than 0)'));
  });

  it('names the host, never the path or query, in HTTP failures', async () => {
    expect(await local()(at('/missing?token=secret'))).toEqual(refused('HTTP 404 from 127.0.0.1'));
    expect(await local({ resolve: toLoopback })(at('/missing?token=secret', 'evil.test'))).toEqual(refused('HTTP 404 from evil.test'));
    expect(await local()(at('/busy'))).toEqual({ ok: false, kind: 'transient', reason: 'HTTP 503 from 127.0.0.1' });
  });

  it('stops reading a body as soon as it passes the limit', async () => {
    const started = Date.now();
    expect(await local()(at('/big'))).toEqual(refused('larger than 10 MB'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(big.finished).toBe(false);
    expect(big.sent).toBeLessThan(15 * 1024 * 1024); // 10 MB read, plus what socket buffers held
    expect(await local({ maxBytes: 1024 * 1024 })(at('/big'))).toEqual(refused('larger than 1 MB'));
    expect(await local({ maxBytes: 20 })(at('/ok.png'))).toEqual(refused('larger than 20 bytes'));
  });

  it('refuses a declared oversize body without reading it', async () => {
    // The server sends headers only: reading the body would hang until the total timeout.
    expect(await local({ totalTimeoutMs: 3000 })(at('/big-declared'))).toEqual(refused('larger than 10 MB'));
  });
});

describe('guardedFetch bounds time and reports network trouble as transient', () => {
  const transient = (reason: string) => ({ ok: false, kind: 'transient', reason });

  it('times out a server that never answers, and honours the caller aborting', async () => {
    expect(await local({ totalTimeoutMs: 300 })(at('/slow'))).toEqual(transient('timed out after 0.3 s'));
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    expect(await local()(at('/slow'), caller.signal)).toEqual(transient('aborted'));
    expect(await local()(at('/slow'), AbortSignal.abort())).toEqual(transient('aborted'));
  });

  it('bounds DNS and connecting by the connect timeout', async () => {
    const never = () => new Promise<never>(() => undefined);
    expect(await local({ resolve: never, connectTimeoutMs: 200 })('https://evil.test/a.png')).toEqual(transient('evil.test did not answer within 0.2 s'));
  });

  it('reports a refused connection and a failed lookup', async () => {
    const closed = createTcpServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    expect(await local()(`https://127.0.0.1:${freePort}/a.png`)).toEqual(transient('could not connect to 127.0.0.1 (ECONNREFUSED)'));
    const failing = (code: string) => async () => { throw Object.assign(new Error(code), { code }); };
    expect(await local({ resolve: failing('EAI_AGAIN') })('https://images.test/a.png')).toEqual(transient('could not look up images.test (EAI_AGAIN)'));
    expect(await local({ resolve: failing('ENOTFOUND') })('https://images.test/a.png')).toEqual(refused('images.test was not found (ENOTFOUND)'));
  });
});

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '0.0.0.0', '0.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '169.254.0.1', '100.64.0.1', '100.127.255.255', '224.0.0.1', '239.1.1.1', '255.255.255.255',
    '240.0.0.1', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '198.19.255.255', '::1', '::',
    'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd00:ec2::254', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:0a00:0001::1', '2001:db8::1', '::10.0.0.1', 'not-an-ip', '',
  ])('refuses %s', (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(['8.8.8.8', '93.184.216.34', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])(
    'allows %s',
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  );

  it('allows loopback only when asked, and nothing else with it', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isBlockedAddress(ip, true), ip).toBe(false);
    for (const ip of ['10.0.0.1', '169.254.169.254', 'fd00::1', '0.0.0.0']) expect(isBlockedAddress(ip, true), ip).toBe(true);
  });
});
