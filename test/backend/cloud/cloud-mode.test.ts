// A 200-row batch in cloud mode, end to end: the real composition root and HTTP handlers, with
// the official Google clients talking to local fakes of each wire protocol. The fake Cloud Tasks
// pushes every task to our /tasks/* handlers with a Google-style OIDC token.
import crypto from 'node:crypto';
import { createServer } from 'node:net';
import { CloudTasksClient } from '@google-cloud/tasks';
import { Storage } from '@google-cloud/storage';
import { GoogleGenAI } from '@google/genai';
import { auth, sheets as sheetsClient } from '@googleapis/sheets';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcTaskAuth } from '../../../backend/src/adapters/google/oidc-task-auth';
import { loadConfig } from '../../../backend/src/config';
import { createRowshot, type Rowshot } from '../../../backend/src/compose';
import { createApiKey } from '../../../backend/src/core/tenants/tenants';
import type { BatchStatus } from '../../../shared/index';
import { startCloudTasksFake, type CloudTasksFake } from '../../helpers/fakes/cloud-tasks-fake';
import { GcsFake } from '../../helpers/fakes/gcs-fake';
import { imageReply, startGeminiFake, type GeminiFake } from '../../helpers/fakes/gemini-fake';
import { makeOidcKey, mintIdToken } from '../../helpers/fakes/oidc';
import { SheetsFake } from '../../helpers/fakes/sheets-fake';

type TasksAuthClient = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>['authClient'];

const SPREADSHEET = 'sheet_e2e_0123456789';
const SA = 'rowshot-tasks@acme-prod.iam.gserviceaccount.com';
const N = 200;

let gcs: GcsFake;
let tasks: CloudTasksFake;
let gemini: GeminiFake;
let sheets: SheetsFake;
let rowshot: Rowshot;
let url: string;
let key: string;
const oidcKey = makeOidcKey();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function oauth() {
  const o = new auth.OAuth2();
  o.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return o;
}

beforeAll(async () => {
  gcs = await GcsFake.start();
  tasks = await startCloudTasksFake({ dispatch: { key: oidcKey, maxConcurrent: 12, minBackoffMs: 50, maxBackoffMs: 500 } });
  gemini = await startGeminiFake();
  gemini.setDefault(imageReply(await sharp({ create: { width: 96, height: 96, channels: 3, background: '#3366cc' } }).png().toBuffer(), { imageTokens: 1290 }));
  sheets = await new SheetsFake().start();
  sheets.addSpreadsheet(SPREADSHEET, [{ title: 'Campaign', rows: [['Prompt', 'Headline', 'Row ID'], ...Array.from({ length: N }, (_, i) => [`Product ${i}`, `=SUM(${i})`, `r_e2e${String(i).padStart(5, '0')}`])] }]);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const loaded = loadConfig({
    ROWSHOT_MODE: 'cloud', PORT: String(port), ROWSHOT_PUBLIC_URL: url, ROWSHOT_SIGNING_SECRET: 'x'.repeat(40),
    GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_TASKS_LOCATION: 'us-central1', ROWSHOT_TASKS_SERVICE_ACCOUNT: SA,
    ROWSHOT_BUCKET: 'acme-rowshot', GEMINI_API_KEY: 'AIza-e2e-test-key', ROWSHOT_FLUSH_INTERVAL_MS: '500',
    ROWSHOT_LOG_LEVEL: 'silent', ROWSHOT_DAILY_BUDGET_USD: 'none', ROWSHOT_RATE_LIMIT_PER_MIN: '100000',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  rowshot = await createRowshot(loaded.config, {
    google: {
      storage: new Storage({
        apiEndpoint: gcs.url, projectId: 'acme-prod', timeout: 5000,
        credentials: { client_email: 'rowshot@acme-prod.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      }),
      tasks: new CloudTasksClient({ fallback: true, apiEndpoint: '127.0.0.1', port: tasks.port, protocol: 'http', authClient: oauth() as unknown as TasksAuthClient }),
      genai: new GoogleGenAI({ apiKey: 'AIza-e2e-test-key', httpOptions: { baseUrl: gemini.url } }),
      sheets: sheetsClient({ version: 'v4', auth: oauth(), rootUrl: sheets.url }),
      taskAuth: oidcTaskAuth({ audience: url, serviceAccountEmail: SA, certs: oidcKey.certs }),
    },
  });
  await rowshot.listen();
  key = (await createApiKey(rowshot.deps.store, 'acme', rowshot.deps.clock)).key;
}, 60_000);

afterAll(async () => {
  await tasks?.close();
  await rowshot?.close();
  await Promise.all([gcs?.close(), gemini?.close(), sheets?.close()]);
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

describe('cloud mode against wire-protocol fakes', () => {
  it('runs 200 rows: every row DONE once, results coalesced into the right sheet rows', async () => {
    // Rows as the add-on would send them; the sheet is then re-sorted while the batch runs.
    const rows = Array.from({ length: N }, (_, i) => ({ rowId: `r_e2e${String(i).padStart(5, '0')}`, cells: { Prompt: `Product ${i}`, Headline: `=SUM(${i})` } }));
    const res = await api('/v1/batches', { method: 'POST', body: JSON.stringify({ rows, target: { kind: 'google-sheet', spreadsheetId: SPREADSHEET, sheetName: 'Campaign' } }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    sheets.sortRows(SPREADSHEET, (a, b) => String(b[0]?.stringValue ?? '').localeCompare(String(a[0]?.stringValue ?? '')), 'Campaign');
    sheets.insertRows(SPREADSHEET, 5, 3, 'Campaign');

    let status: BatchStatus;
    const until = Date.now() + 120_000;
    do {
      await new Promise((r) => setTimeout(r, 200));
      status = (await (await api(`/v1/batches/${id}`)).json()) as BatchStatus;
    } while (status.state !== 'DONE' && Date.now() < until);
    expect(status.counts).toMatchObject({ DONE: N, FAILED: 0 });
    expect(status.cost.actualUsd).toBeCloseTo(N * 0.0387, 3);

    // One generation per row: the Gemini fake saw each prompt exactly once.
    const prompts = gemini.requests.map((r) => JSON.stringify(r.body));
    expect(gemini.requests).toHaveLength(N);
    for (let i = 0; i < N; i += 37) expect(prompts.filter((p) => p.includes(`Product ${i}\\n`) || p.includes(`Product ${i}"`)).length).toBe(1);

    // Every row's results are in its own sheet row (found by Row ID after the sort).
    for (let i = 0; i < N; i += 23) {
      const rowId = `r_e2e${String(i).padStart(5, '0')}`;
      const r = sheets.rowWhere(SPREADSHEET, 'Row ID', rowId, 'Campaign');
      const cell = (header: string) => sheets.cell(SPREADSHEET, r, sheets.column(SPREADSHEET, header, 'Campaign'), 'Campaign');
      expect(cell('Prompt')?.stringValue).toBe(`Product ${i}`);
      expect(cell('Status')?.stringValue).toBe('DONE');
      expect(cell('Provider')?.stringValue).toBe('gemini');
      expect(cell('Image')?.formulaValue).toMatch(/^=IMAGE\("http:\/\/127\.0\.0\.1:\d+\/a\/[^"]+"\)$/);
      expect(cell('Image URL')?.stringValue).toMatch(/\/a\//);
      expect(cell('Headline')?.formulaValue).toBeUndefined();
    }
    // Coalesced: far fewer Sheets writes than rows.
    expect(sheets.writes().length).toBeLessThan(N / 5);

    // Everything stored is under the tenant, and each task push carried a verified OIDC token.
    expect(gcs.objectNames().every((name) => name.startsWith('tenants/acme/') || name.startsWith('system/'))).toBe(true);
    expect(tasks.dispatched.filter((d) => d.status === 401 || d.status === 403)).toEqual([]);

    // A capability link redirects to a short-lived signed URL on the bucket.
    const page = (await (await api(`/v1/batches/${id}/rows?pageSize=1`)).json()) as { rows: { images: { url: string }[] }[] };
    const link = await fetch(page.rows[0]!.images[0]!.url, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toMatch(/X-Goog-Signature=/);
  }, 150_000);

  it('refuses task pushes without a valid Google OIDC token', async () => {
    const body = JSON.stringify({ tenant: 'acme', batchId: 'b_x', gen: 0 });
    const none = await fetch(`${url}/tasks/fanout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    const wrongAudience = mintIdToken(oidcKey, { audience: 'https://elsewhere.example', email: SA });
    const bad = await fetch(`${url}/tasks/fanout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${wrongAudience}` }, body });
    expect(bad.status).toBe(403);
  });
});
