// Starts the real app (composition root, local adapters, HTTP on an ephemeral port) in a temp
// data dir, for integration tests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../backend/src/config';
import { createRowshot, type Overrides, type Rowshot } from '../../backend/src/compose';
import { isFinalBatch, type BatchStatus } from '../../shared/index';

export interface TestServer {
  url: string;
  key: string;
  dataDir: string;
  rowshot: Rowshot;
  /** fetch against the server with the dev key. */
  api(pathname: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Response>;
  waitForBatch(id: string, timeoutMs?: number): Promise<BatchStatus>;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, overrides: Overrides = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-test-'));
  const loaded = loadConfig({
    ROWSHOT_DATA_DIR: dataDir, PORT: '0', ROWSHOT_LOG_LEVEL: 'silent', ROWSHOT_FLUSH_INTERVAL_MS: '200',
    ROWSHOT_MIN_BACKOFF_MS: '50', ROWSHOT_MAX_BACKOFF_MS: '500', ROWSHOT_ROW_CONCURRENCY: '8', ROWSHOT_ROW_RATE: '500',
    ROWSHOT_WORKBOOK_ROOTS: dataDir, ...env,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const rowshot = await createRowshot(loaded.config, overrides);
  const { url } = await rowshot.listen();
  const key = (await readFile(rowshot.devKeyFile as string, 'utf8')).trim();
  const api: TestServer['api'] = (pathname, init = {}) => {
    const { json, key: k, headers, ...rest } = init;
    const h: Record<string, string> = { ...(headers as Record<string, string> | undefined) };
    if (k !== null) h.authorization ??= `Bearer ${k ?? key}`;
    if (json !== undefined) h['content-type'] = 'application/json';
    return fetch(new URL(pathname, url), {
      ...rest,
      headers: h,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  };
  return {
    url, key, dataDir, rowshot, api,
    async waitForBatch(id, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const res = await api(`/v1/batches/${id}`);
        const s = (await res.json()) as BatchStatus;
        if (res.ok && isFinalBatch(s.state)) return s;
        if (Date.now() > until) {
          // Name each unfinished row's state, attempts and reason so a slow CI run is diagnosable.
          const rowsRes = await api(`/v1/batches/${id}/rows`);
          const detail = rowsRes.ok ? JSON.stringify(((await rowsRes.json()) as { rows: unknown[] }).rows) : `rows: HTTP ${rowsRes.status}`;
          throw new Error(`batch ${id} did not finish in ${timeoutMs} ms: ${JSON.stringify(s.counts ?? s)}; ${detail}`);
        }
        // 10 polls a second stays inside the API's default 600 requests a minute; a 429 waits.
        await new Promise((r) => setTimeout(r, res.status === 429 ? 1000 : 100));
      }
    },
    async close() {
      await rowshot.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const rows = (n: number, cells: (i: number) => Record<string, string | number | boolean | null>) =>
  Array.from({ length: n }, (_, i) => ({ rowId: `r${i + 1}`, cells: cells(i) }));
