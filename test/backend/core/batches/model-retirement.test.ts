// Models that retire, through the real app with the wire-fake Gemini and an injected clock: a
// model past its shutdown day is never called (auto chains use its successor; a row naming it
// runs on the successor only when the batch allows it, else fails naming it), a 404 moves the
// row to the next model of its chain, and a shutdown within 30 days is warned in the estimate.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RowResult } from '../../../../shared/index';
import { errorReply, imageReply, startGeminiFake, type GeminiFake } from '../../../helpers/fakes/gemini-fake';
import { startTestServer, type TestServer } from '../../../helpers/server';

const DAY = 86_400_000;
let fake: GeminiFake;
let servers: TestServer[] = [];

/** A server whose clock reads `day` (at noon UTC) and advances in real time. */
async function serverOn(day: string, env: Record<string, string> = {}): Promise<TestServer> {
  const offset = Date.parse(`${day}T12:00:00Z`) - Date.now();
  const s = await startTestServer({ GEMINI_API_KEY: 'AIza-retire-test-key-0123', ROWSHOT_GEMINI_BASE_URL: fake.url, ...env }, { clock: { now: () => Date.now() + offset } });
  servers.push(s);
  return s;
}

async function runRows(s: TestServer, body: Record<string, unknown>): Promise<RowResult[]> {
  const res = await s.api('/v1/batches', { method: 'POST', json: body });
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await s.waitForBatch(id, 90_000); // room for a loaded CI machine
  return ((await (await s.api(`/v1/batches/${id}/rows`)).json()) as { rows: RowResult[] }).rows;
}

beforeAll(async () => {
  fake = await startGeminiFake();
  const png = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3366cc' } }).png().toBuffer();
  fake.setDefault(imageReply(png, { imageTokens: 1120 }));
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  fake.requests.length = 0;
});
afterAll(async () => {
  await fake.close();
});

describe('a model past its shutdown day', () => {
  it('is never called: a row naming it fails with a reason naming the successor, auto uses the successor', async () => {
    const s = await serverOn('2026-12-03');
    const rows = await runRows(s, {
      providerChain: ['gemini-2.5-flash-image'],
      rows: [
        { rowId: 'named', cells: { Prompt: 'A fox', Model: 'gemini-2.5-flash-image' } },
        { rowId: 'auto', cells: { Prompt: 'A lake', Model: 'auto' } },
      ],
    });
    const byId = Object.fromEntries(rows.map((r) => [r.rowId, r]));
    expect(byId.named).toMatchObject({
      state: 'FAILED',
      reason: 'Model "gemini-2.5-flash-image" was shut down on 2026-10-02; use gemini-3.1-flash-image instead (or allow model substitution for the batch)',
    });
    expect(byId.auto).toMatchObject({ state: 'DONE', provider: 'gemini' });
    expect(fake.requests.map((q) => q.model)).toEqual(['gemini-3.1-flash-image']);
  }, 120_000);

  it('runs on its successor, with a note, when the batch allows substitution', async () => {
    const s = await serverOn('2026-12-03');
    const [row] = await runRows(s, { allowModelSubstitution: true, rows: [{ rowId: 'named', cells: { Prompt: 'A fox', Model: 'gemini-2.5-flash-image' } }] });
    expect(row).toMatchObject({ state: 'DONE', notes: expect.arrayContaining(['gemini-2.5-flash-image was shut down on 2026-10-02; made with its successor gemini-3.1-flash-image']) });
    expect(row?.costUsd).toBeCloseTo(0.0672, 4);
    expect(fake.requests.map((q) => q.model)).toEqual(['gemini-3.1-flash-image']);
  }, 120_000);

  it('is priced as it will run: the estimate fails the named row and prices auto at the successor', async () => {
    const s = await serverOn('2026-12-03');
    const res = await s.api('/v1/estimate', { method: 'POST', json: { providerChain: ['gemini-2.5-flash-image'], rows: [
      { rowId: 'named', cells: { Prompt: 'A fox', Model: 'gemini-2.5-flash-image' } },
      { rowId: 'auto', cells: { Prompt: 'A lake' } },
    ] } });
    const e = (await res.json()) as { totalUsd: number; rows: { rowId: string; model: string; invalid?: string }[] };
    expect(e.rows[0]?.invalid).toMatch(/^Model "gemini-2.5-flash-image" was shut down on 2026-10-02; use gemini-3.1-flash-image/);
    expect(e.rows[1]).toMatchObject({ model: 'gemini-3.1-flash-image' });
    expect(e.totalUsd).toBe(0.067);
  }, 120_000);
});

describe('a model that shuts down within 30 days', () => {
  it('is warned about in the estimate and the batch answer, and still runs', async () => {
    const s = await serverOn('2026-09-20');
    const body = { rows: [{ rowId: 'a', cells: { Prompt: 'A fox', Model: 'gemini-2.5-flash-image' } }] };
    const e = (await (await s.api('/v1/estimate', { method: 'POST', json: body })).json()) as { warnings: string[] };
    expect(e.warnings).toEqual(['gemini-2.5-flash-image shuts down on 2026-10-02 (in 12 days); switch to gemini-3.1-flash-image']);
    const created = (await (await s.api('/v1/batches', { method: 'POST', json: body })).json()) as { id: string; warnings?: string[] };
    expect(created.warnings).toEqual(e.warnings);
    await s.waitForBatch(created.id);
    expect(fake.requests.map((q) => q.model)).toEqual(['gemini-2.5-flash-image']);
    // 60 days before: no warning.
    const early = await serverOn(new Date(Date.parse('2026-10-02') - 60 * DAY).toISOString().slice(0, 10));
    expect(((await (await early.api('/v1/estimate', { method: 'POST', json: body })).json()) as { warnings: string[] }).warnings).toEqual([]);
  }, 120_000);
});

describe('a 404 "model not found" from Gemini', () => {
  it('opens that model\'s breaker and moves the row to the next model of its chain instead of failing it', async () => {
    // One row at a time, so that the second row's call comes after the 404 (the fake answers in order, not by model).
    const s = await serverOn('2026-12-03', { ROWSHOT_ROW_CONCURRENCY: '1' });
    fake.script(errorReply(404, 'NOT_FOUND', 'models/gemini-3-pro-image is not found for API version v1beta, or is not supported for generateContent.'));
    const rows = await runRows(s, {
      providerChain: ['gemini-3-pro-image', 'gemini-3.1-flash-image'],
      rows: [{ rowId: 'a', cells: { Prompt: 'A fox' } }, { rowId: 'b', cells: { Prompt: 'A lake' } }],
    });
    expect(rows.map((r) => r.state)).toEqual(['DONE', 'DONE']);
    // One call found the model gone; every other went to the next model.
    expect(fake.requests.filter((q) => q.model === 'gemini-3-pro-image')).toHaveLength(1);
    expect(fake.requests.filter((q) => q.model === 'gemini-3.1-flash-image')).toHaveLength(2);
    expect(rows.flatMap((r) => r.notes)).toContain('gemini-3-pro-image (not found (404)) failing right now; served by gemini-3.1-flash-image');
  }, 120_000);
});
