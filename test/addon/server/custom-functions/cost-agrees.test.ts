// =ROWSHOT_COST agrees with the estimate the Batch sidebar shows (the backend's POST
// /v1/estimate) over mixed rows: several sizes, variants and models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { startTestServer, type TestServer } from '../../../helpers/server';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { memoryServices } from '../helpers/memory-services';

const rows: [string, string, string | number, string][] = [
  ['A fox', '1:1, 16:9, 9:16', 2, 'gemini-3.1-flash-image'],
  ['A cat', '4:5', '', 'gemini-3-pro-image'],
  ['', '1:1, 16:9', 4, 'gemini-3-pro-image'],
  ['A dog', '', 3, 'template'],
  ['A bird', '3:2;2:3', 1, 'gemini-3.1-flash-image'],
  ['A fish', '21:9', '', ''],
];

describe('ROWSHOT_COST and the estimate', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }); });
  afterAll(() => server.close());

  it('give the same total for mixed rows', async () => {
    const s = memoryServices({ sheets: [new MemorySheet(1, 'S')], http: new FakeBackend() });
    const app = createApp(() => s);
    const cost = app.ROWSHOT_COST(rows.map((r) => [r[0]]), rows.map((r) => [r[1]]), rows.map((r) => [r[2]]), rows.map((r) => [r[3]]));
    const body = {
      rows: rows.filter((r) => r[0] !== '').map((r, i) => ({ rowId: `r${i}`, cells: { Prompt: r[0], 'Aspect ratios': r[1], Variants: r[2], Model: r[3] } })),
    };
    const estimate = (await (await server.api('/v1/estimate', { method: 'POST', json: body })).json()) as { totalUsd: number; invalidRows: number };
    expect(estimate.invalidRows).toBe(0);
    expect(cost).toBe(estimate.totalUsd);
    // 6 × 0.039 + 1 × 0.134 + 0 + 2 × price(3.1) + 1 × 0.039: not the old prompts × variants.
    expect(cost).toBeGreaterThan(0.134 + 7 * 0.039);
  });
});
