// SIGTERM, as Cloud Run sends it before a 10 s grace: the real `rowshot serve` process stops
// taking connections, finishes the request it is in the middle of, and exits 0 in time. A request
// that never finishes is cut off at the drain deadline instead of holding the process open.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, type CliResult } from '../helpers/cli';

interface LogLine { message: string; url?: string; devKeyFile?: string }

async function startServe(env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-sigterm-'));
  const cli = startCli(['serve'], { ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), PORT: '0', ROWSHOT_LOG_LEVEL: 'info', ...env }, dir);
  const lines: LogLine[] = [];
  let buffered = '';
  const waiters: Array<() => void> = [];
  cli.child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine);
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (pattern: RegExp, ms = 20_000): Promise<LogLine> => {
    const until = Date.now() + ms;
    for (;;) {
      const hit = lines.find((l) => pattern.test(l.message));
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no log line matching ${pattern}; got:\n${lines.map((l) => l.message).join('\n')}`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 200)), cli.done]);
    }
  };
  const ready = await waitFor(/is listening on/);
  const key = (await readFile(ready.devKeyFile ?? '', 'utf8')).trim();
  return { ...cli, url: ready.url ?? '', key, lines, waitFor };
}

/**
 * A POST whose body is sent in two halves, so the request is in flight until `finish()`. The
 * client keeps its connection open after the answer, as browsers and proxies do.
 */
function postInTwoHalves(url: string, key: string, body: string) {
  const half = Math.floor(body.length / 2);
  const req = request(new URL('/v1/batches', url), {
    method: 'POST',
    agent: new Agent({ keepAlive: true }),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)) };
}

const batchBody = JSON.stringify({ rows: Array.from({ length: 20 }, (_, i) => ({ rowId: `r${i + 1}`, cells: { Prompt: `card ${i}` } })) });
/** Whether a brand-new TCP connection is accepted (fetch would reuse a pooled one). */
const newConnection = (url: string) =>
  new Promise<string>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    socket.once('connect', () => (socket.destroy(), resolve('accepted')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });

describe('rowshot serve on SIGTERM', () => {
  it('finishes the in-flight request, refuses new connections, logs the drain and exits 0 within the grace period', async () => {
    const s = await startServe();
    expect(await newConnection(s.url)).toBe('accepted');
    const inFlight = postInTwoHalves(s.url, s.key, batchBody);
    await new Promise((r) => setTimeout(r, 300)); // the server has the headers and half the body

    const sentAt = Date.now();
    s.child.kill('SIGTERM');
    await s.waitFor(/^draining/);
    expect(await newConnection(s.url)).toBe('ECONNREFUSED');

    inFlight.finish();
    const answer = await inFlight.answer;
    const answeredAt = Date.now();
    expect(answer.status).toBe(202);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ id: expect.any(String) });

    // The client's idle keep-alive connection does not hold the process open.
    const result: CliResult = await s.done;
    expect(Date.now() - answeredAt).toBeLessThan(3_000);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(result.code).toBe(0);
    expect(s.lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/^drained/));
  }, 40_000);

  it('cuts off a request that outlives the drain deadline and still exits before the grace period ends', async () => {
    const s = await startServe({ ROWSHOT_DRAIN_TIMEOUT_MS: '1500' });
    const stuck = postInTwoHalves(s.url, s.key, batchBody);
    const cutOff = stuck.answer.then(() => 'answered', () => 'cut off');
    await new Promise((r) => setTimeout(r, 300));

    const sentAt = Date.now();
    s.child.kill('SIGTERM');
    const result = await s.done;
    const took = Date.now() - sentAt;
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(6_000);
    expect(result.code).toBe(1);
    expect(await cutOff).toBe('cut off');
    expect(s.lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/drain deadline/));
  }, 40_000);
});
